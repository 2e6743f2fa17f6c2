import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CloseText } from "../../src/protocol/close_reason.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import type { StorageProvider } from "../../src/storage/storage.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { openRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { connectMessage } from "./_security_helpers.ts";

/** Memory storage whose rooms finish loading only when `release()` is called. */
function gatedStorage(): { storage: StorageProvider; release(): void } {
  const inner = new MemoryStorageProvider();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    storage: {
      openRoom: async (roomId) => {
        await gate;
        return await inner.openRoom(roomId);
      },
    },
    release,
  };
}

describe("pre-load frame buffer", () => {
  for (const over of ["bytes", "frames"] as const) {
    it(`frames over maxPreload${over === "bytes" ? "Bytes" : "Frames"} while the room loads close with 1013; others sync`, async () => {
      const gated = gatedStorage();
      const logger = captureLogger();
      const server = await serve({
        storage: gated.storage,
        logger,
        limits: { maxPreloadBytes: 20_000, maxPreloadFrames: 5 },
      });
      try {
        const flood = await openRaw(`${server.ws}/connect/r?sessionId=flood`);
        const ok = await openRaw(`${server.ws}/connect/r?sessionId=ok`);
        const other = await openRaw(`${server.ws}/connect/r?sessionId=other`);
        ok.send(connectMessage("ok"));
        other.send(connectMessage("other"));
        if (over === "bytes") {
          for (let i = 0; i < 3; i++) flood.send(`{"pad":"${"x".repeat(8_000)}"}`);
        } else {
          for (let i = 0; i < 6; i++) flood.send({ type: "ping" });
        }
        assert.deepEqual(await flood.closed, { code: 1013, reason: CloseText.PRELOAD_OVERFLOW });
        const warn = await logger.waitFor((l) => l.event === "preload_overflow", "overflow log");
        assert.equal(warn.fields["maxPreloadBytes"], 20_000);
        gated.release();
        await ok.next((m) => m["type"] === "connect", "ok connected");
        await other.next((m) => m["type"] === "connect", "other connected");
        ok.send({
          type: "push",
          clientClock: 1,
          diff: { "shape:1": ["put", geoShape("shape:1")] },
        });
        await other.next((m) => m["type"] === "patch", "patch after the room loaded");
        ok.close();
        other.close();
      } finally {
        gated.release();
        await server.stop();
      }
    });
  }
});
