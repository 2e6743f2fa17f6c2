import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { limitsFromEnv } from "../../src/app/env_limits.ts";
import { originOptionsFromEnv } from "../../src/app/origin_env.ts";

const VARS = {
  TLSYNC_MAX_MPS: "40",
  TLSYNC_MESSAGE_BURST: "90",
  TLSYNC_MAX_PRELOAD_BYTES: "1000000",
  TLSYNC_MAX_PENDING_PER_ROOM: "7",
  TLSYNC_MAX_PENDING_PER_ADDRESS: "3",
  TLSYNC_MAX_SOCKETS_PER_ADDRESS: "9",
  TLSYNC_NEW_ROOMS_PER_MINUTE: "12",
  TLSYNC_NEW_ROOM_BURST: "4",
  TLSYNC_ALLOWED_ORIGINS: " https://a.example , https://b.example:8443,",
  TLSYNC_TRUST_PROXY: "1",
};

function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  for (const [k, v] of Object.entries(vars)) process.env[k] = v;
  try {
    return fn();
  } finally {
    for (const k of Object.keys(vars)) delete process.env[k];
  }
}

describe("transport env vars of the default server", () => {
  it("every transport limit, the burst, the origin list and the proxy switch come from env", () => {
    const { limits, origins } = withEnv(VARS, () => ({
      limits: limitsFromEnv(),
      origins: originOptionsFromEnv(),
    }));
    assert.deepEqual(limits, {
      maxMessagesPerSecond: 40,
      messageBurst: 90,
      maxPreloadBytes: 1_000_000,
      maxPendingPerRoom: 7,
      maxPendingPerAddress: 3,
      maxSocketsPerAddress: 9,
      newRoomsPerMinute: 12,
      newRoomBurst: 4,
    });
    assert.deepEqual(origins, {
      allowedOrigins: ["https://a.example", "https://b.example:8443"],
      trustProxy: true,
    });
  });

  it("without TLSYNC_MESSAGE_BURST the burst stays 5x TLSYNC_MAX_MPS; junk values are ignored", () => {
    const limits = withEnv(
      { TLSYNC_MAX_MPS: "10", TLSYNC_MAX_SOCKETS_PER_ADDRESS: "-3", TLSYNC_TRUST_PROXY: "maybe" },
      () => ({ ...limitsFromEnv(), ...originOptionsFromEnv() }),
    );
    assert.deepEqual(limits, { maxMessagesPerSecond: 10, messageBurst: 50 });
  });
});
