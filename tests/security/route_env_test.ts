import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { assetRouteEnv, unfurlRouteEnv } from "../../src/app/route_env.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { capturingLogger } from "./_security_helpers.ts";

const NAMES = [
  "TLSYNC_MAX_UPLOAD_BYTES",
  "TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM",
  "TLSYNC_UPLOADS_PER_MINUTE",
  "TLSYNC_UPLOAD_IDLE_TIMEOUT_MS",
  "TLSYNC_UPLOAD_TIMEOUT_MS",
  "TLSYNC_UNFURLS_PER_MINUTE",
  "TLSYNC_MAX_CONCURRENT_UNFURLS",
  "TLSYNC_UNFURL_PARSE_BUDGET_MS",
];

function withEnv(values: Record<string, string>, fn: () => void): void {
  const saved = NAMES.map((n) => [n, process.env[n]] as const);
  try {
    for (const n of NAMES) delete process.env[n];
    Object.assign(process.env, values);
    fn();
  } finally {
    for (const [n, v] of saved) v === undefined ? delete process.env[n] : (process.env[n] = v);
  }
}

describe("upload and unfurl limits from the environment", () => {
  it("reads each variable; unset, zero, negative or non-numbers keep the defaults (with a warning)", () => {
    withEnv({
      TLSYNC_MAX_UPLOAD_BYTES: "1000",
      TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM: "5000",
      TLSYNC_UPLOADS_PER_MINUTE: "10",
      TLSYNC_UPLOAD_IDLE_TIMEOUT_MS: "2000",
      TLSYNC_UPLOAD_TIMEOUT_MS: "60000",
      TLSYNC_UNFURLS_PER_MINUTE: "7",
      TLSYNC_MAX_CONCURRENT_UNFURLS: "3",
      TLSYNC_UNFURL_PARSE_BUDGET_MS: "50",
    }, () => {
      assert.deepEqual(assetRouteEnv(silentLogger), {
        maxBytes: 1000,
        maxBytesPerRoom: 5000,
        rateLimit: { perMinute: 10, burst: 5 },
        uploadIdleTimeoutMs: 2000,
        uploadTimeoutMs: 60000,
      });
      assert.deepEqual(unfurlRouteEnv(silentLogger), {
        rateLimit: { perMinute: 7, burst: 4 },
        maxConcurrent: 3,
        parseBudgetMs: 50,
      });
    });
    withEnv(
      {
        TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM: "-1",
        TLSYNC_MAX_CONCURRENT_UNFURLS: "lots",
        TLSYNC_UPLOAD_TIMEOUT_MS: "0",
      },
      () => {
        const { logger, lines } = capturingLogger();
        assert.deepEqual(assetRouteEnv(logger), {});
        assert.deepEqual(unfurlRouteEnv(logger), {});
        assert.deepEqual(lines.map((l) => [l.event, l.fields.name]).sort(), [
          ["env_invalid", "TLSYNC_MAX_CONCURRENT_UNFURLS"],
          ["env_invalid", "TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM"],
          ["env_invalid", "TLSYNC_UPLOAD_TIMEOUT_MS"],
        ]);
      },
    );
  });
});
