import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureLogger } from "../helpers/capture_logger.ts";
import { serve } from "../helpers/serve.ts";
import { openTcpWs, type TcpWsClient } from "../helpers/tcp_ws_client.ts";
import { handshake } from "./_security_helpers.ts";

describe("sessionId cap", () => {
  it("a sessionId over maxSessionIdChars gets HTTP 400; one at the cap connects and syncs", async () => {
    const logger = captureLogger();
    const server = await serve({ logger, limits: { maxSessionIdChars: 40 } });
    const open: TcpWsClient[] = [];
    try {
      const long = await openTcpWs(server.port, `/connect/r?sessionId=${"x".repeat(41)}`);
      assert.equal(long.status, 400);
      long.destroy();
      const warn = await logger.waitFor((l) => l.event === "session_id_refused", "refusal log");
      assert.equal(warn.fields["chars"], 41);
      const atCap = await openTcpWs(server.port, `/connect/r?sessionId=${"y".repeat(40)}`);
      open.push(atCap);
      assert.equal(atCap.status, 101);
      await handshake(atCap);
    } finally {
      for (const c of open) c.destroy();
      await server.stop();
    }
  });

  it("the default cap (256) leaves tldraw's session ids alone and refuses a 10,000-char one", async () => {
    const server = await serve({});
    const open: TcpWsClient[] = [];
    try {
      const huge = await openTcpWs(server.port, `/connect/r?sessionId=${"z".repeat(10_000)}`);
      assert.equal(huge.status, 400);
      huge.destroy();
      const normal = await openTcpWs(server.port, `/connect/r?sessionId=${crypto.randomUUID()}`);
      open.push(normal);
      assert.equal(normal.status, 101);
      await handshake(normal);
    } finally {
      for (const c of open) c.destroy();
      await server.stop();
    }
  });
});
