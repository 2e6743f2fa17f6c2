import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addressKey,
  canonicalAddress,
  rightMostForwarded,
} from "../../src/server/client_address.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { serve } from "../helpers/serve.ts";
import { openTcpWs, type TcpWsClient } from "../helpers/tcp_ws_client.ts";
import { handshake } from "./_security_helpers.ts";

async function addressOf(
  options: { trustProxy?: boolean },
  forwardedFor: string | undefined,
): Promise<unknown> {
  const logger = captureLogger();
  const server = await serve({ ...options, logger });
  let client: TcpWsClient | undefined;
  try {
    client = await openTcpWs(
      server.port,
      "/connect/r?sessionId=s",
      forwardedFor === undefined ? {} : { "X-Forwarded-For": forwardedFor },
    );
    await handshake(client);
    const line = await logger.waitFor((l) => l.event === "connection_opened", "open log");
    assert.equal(line.level, "info");
    return line.fields["address"];
  } finally {
    client?.destroy();
    await server.stop();
  }
}

describe("client address and TLSYNC_TRUST_PROXY", () => {
  it("without trustProxy, X-Forwarded-For is ignored: the socket peer is the address", async () => {
    assert.equal(await addressOf({}, "203.0.113.9"), "127.0.0.1");
  });

  it("with trustProxy, the right-most X-Forwarded-For entry is the address", async () => {
    assert.equal(await addressOf({ trustProxy: true }, "1.1.1.1, 203.0.113.9"), "203.0.113.9");
    assert.equal(await addressOf({ trustProxy: true }, undefined), "127.0.0.1");
    // A forged, padded left part does not matter; an unparsable entry falls back to the peer.
    const padded = `${"9.9.9.9, ".repeat(400)}198.51.100.7`;
    assert.equal(await addressOf({ trustProxy: true }, padded), "198.51.100.7");
    assert.equal(await addressOf({ trustProxy: true }, "1.1.1.1, not-an-ip"), "127.0.0.1");
  });

  it("caps count per trusted address: the same right-most entry shares one quota", async () => {
    const server = await serve({ trustProxy: true, limits: { maxSocketsPerAddress: 1 } });
    const open: TcpWsClient[] = [];
    try {
      const a = await openTcpWs(server.port, "/connect/r?sessionId=a", {
        "X-Forwarded-For": "1.1.1.1, 203.0.113.5",
      });
      open.push(a);
      const b = await openTcpWs(server.port, "/connect/r?sessionId=b", {
        "X-Forwarded-For": "2.2.2.2, 203.0.113.5",
      });
      assert.equal(b.status, 429);
      b.destroy();
      const c = await openTcpWs(server.port, "/connect/r?sessionId=c", {
        "X-Forwarded-For": "203.0.113.6",
      });
      open.push(c);
      await handshake(a);
      await handshake(c);
    } finally {
      for (const x of open) x.destroy();
      await server.stop();
    }
  });

  it("parses addresses linearly and keys IPv6 by /64", () => {
    assert.equal(canonicalAddress("::ffff:127.0.0.1"), "127.0.0.1");
    assert.equal(canonicalAddress("[2001:DB8::1]"), "2001:db8:0:0:0:0:0:1");
    assert.equal(canonicalAddress("999.1.1.1"), null);
    assert.equal(canonicalAddress("1".repeat(100)), null);
    assert.equal(rightMostForwarded(" 10.0.0.1 ,  10.0.0.2 "), "10.0.0.2");
    assert.equal(rightMostForwarded(null), null);
    assert.equal(rightMostForwarded(`${"x".repeat(100_000)},10.0.0.3`), "10.0.0.3");
    assert.equal(addressKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
    assert.equal(addressKey("10.1.2.3"), "10.1.2.3");
  });
});
