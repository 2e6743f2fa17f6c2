import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureLogger } from "../helpers/capture_logger.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { openTcpWs } from "../helpers/tcp_ws_client.ts";
import { handshake } from "./_security_helpers.ts";

const BLOB = "x".repeat(64 * 1024);

describe("slow readers", () => {
  it("a client that stops reading is closed with 1013 and removed; the others keep syncing", async () => {
    const logger = captureLogger();
    const server = await serve({ logger, limits: { maxBufferedBytes: 256 * 1024 } });
    const slow = await openTcpWs(server.port, "/connect/r?sessionId=slow");
    try {
      await handshake(slow);
      slow.pause(); // never reads again: the server's frames pile up
      const a = await connectRaw(`${server.ws}/connect/r?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/r?sessionId=b`);
      const isSlowWarn = (l: { event: string }) => l.event === "slow_consumer";
      // Bounded: 600 x 64 KiB (about 39 MB) is far more than the socket buffers hold.
      for (let i = 0; i < 600 && !logger.lines.some(isSlowWarn); i++) {
        const id = `shape:${i}`;
        a.send({
          type: "push",
          clientClock: i + 1,
          diff: { [id]: ["put", geoShape(id, 0, 0, { meta: { blob: BLOB } })] },
        });
        await a.next((m) => m["type"] === "push_result" && m["clientClock"] === i + 1, "result");
      }
      const warn = await logger.waitFor(isSlowWarn, "slow_consumer warning");
      assert.equal(warn.fields["sessionId"], "slow");
      assert.equal(warn.fields["maxBufferedBytes"], 256 * 1024);
      assert.ok((warn.fields["bufferedBytes"] as number) > 256 * 1024);
      // A live client pings every 5 s; that frame lets Deno finish dropping the socket.
      slow.sendText('{"type":"ping"}');
      const closed = await logger.waitFor(
        (l) => l.event === "connection_closed" && l.fields["sessionId"] === "slow",
        "slow connection closed",
      );
      assert.equal(closed.fields["code"], 1013);
      assert.equal(server.handler.server.registry.get("r")?.getConnectedSessionCount(), 2);
      a.send({
        type: "push",
        clientClock: 1000,
        diff: { "shape:z": ["put", geoShape("shape:z")] },
      });
      await b.next((m) => m["type"] === "patch" && "shape:z" in (m["diff"] as object), "patch z");
      a.close();
      b.close();
    } finally {
      slow.destroy();
      await server.stop();
    }
  });

  it("a single message larger than maxBufferedBytes to a fast client is no reason to close it", async () => {
    const logger = captureLogger();
    const server = await serve({ logger, limits: { maxBufferedBytes: 64 * 1024 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/r?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/r?sessionId=b`);
      const big = geoShape("shape:big", 0, 0, { meta: { blob: "y".repeat(200_000) } });
      a.send({ type: "push", clientClock: 1, diff: { "shape:big": ["put", big] } });
      await b.next((m) => m["type"] === "patch", "the 200 KB patch");
      // A newcomer's connect reply carries the whole 200 KB document.
      const c = await connectRaw(`${server.ws}/connect/r?sessionId=c`);
      a.send({ type: "push", clientClock: 2, diff: { "shape:2": ["put", geoShape("shape:2")] } });
      await c.next((m) => m["type"] === "patch" && "shape:2" in (m["diff"] as object), "patch");
      await b.next((m) => m["type"] === "patch" && "shape:2" in (m["diff"] as object), "patch");
      assert.equal(logger.lines.filter((l) => l.event === "slow_consumer").length, 0);
      for (const x of [a, b, c]) x.close();
    } finally {
      await server.stop();
    }
  });
});
