// Record caps over real sockets: an over-long id or an over-large record is refused before
// anything is committed, stored or broadcast; the pusher gets `discard`, the room keeps working.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape, presence } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import {
  assertStillSyncs,
  capturingLogger,
  pushResult,
  sawInPatch,
  shapeOfBytes,
  storedDocuments,
} from "./_security_helpers.ts";

describe("record caps", () => {
  it("an id over 512 UTF-8 bytes is discarded with the whole push; peers keep syncing", async () => {
    const storage = new MemoryStorageProvider();
    const { logger, lines } = capturingLogger();
    const server = await serve({ storage, logger });
    const longId = `shape:${"é".repeat(260)}`; // 526 bytes, 266 UTF-16 units
    try {
      const a = await connectRaw(`${server.ws}/connect/ids?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/ids?sessionId=b`);

      a.send({
        type: "push",
        clientClock: 1,
        diff: {
          "shape:fine": ["put", geoShape("shape:fine")],
          [longId]: ["put", geoShape(longId)],
        },
      });
      const result = await pushResult(a, 1);
      await assertStillSyncs(a, b, "shape:after-a");
      await assertStillSyncs(b, a, "shape:after-b");
      await server.stop();
      const stored = await storedDocuments(storage, "ids");

      assert.equal(result["action"], "discard");
      assert.equal(sawInPatch(b, "shape:fine") || sawInPatch(b, longId), false);
      assert.equal(stored.has("shape:fine") || stored.has(longId), false);
      assert.ok(stored.has("shape:after-a") && stored.has("shape:after-b"));
      const warn = lines.find((l) => l.event === "push_rejected");
      assert.deepEqual(
        { level: warn?.level, roomId: warn?.fields.roomId, sessionId: warn?.fields.sessionId },
        { level: "warn", roomId: "ids", sessionId: "a" },
      );
      assert.equal(warn?.fields.reason, "ID_TOO_LONG");
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("an id of exactly maxRecordIdBytes is accepted", async () => {
    const server = await serve({ limits: { maxRecordIdBytes: 64 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/ids?sessionId=a`);
      const id = `shape:${"x".repeat(58)}`;

      a.send({ type: "push", clientClock: 1, diff: { [id]: ["put", geoShape(id)] } });
      const ok = await pushResult(a, 1);
      const longer = `${id}y`;
      a.send({ type: "push", clientClock: 2, diff: { [longer]: ["put", geoShape(longer)] } });
      const refused = await pushResult(a, 2);

      assert.equal(ok["action"], "commit");
      assert.equal(refused["action"], "discard");
      a.close();
    } finally {
      await server.stop();
    }
  });

  it("a record over maxRecordBytes is discarded, counted, and never stored or broadcast", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, limits: { maxRecordBytes: 8 * 1024 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/big?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/big?sessionId=b`);

      a.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:big": ["put", shapeOfBytes("shape:big", 9000)] },
      });
      const result = await pushResult(a, 1);
      a.send({
        type: "push",
        clientClock: 2,
        diff: { "shape:ok": ["put", shapeOfBytes("shape:ok", 7000)] },
      });
      const fits = await pushResult(a, 2);
      await assertStillSyncs(b, a, "shape:from-b");
      const metrics = server.handler.server.metrics.render();
      await server.stop();
      const stored = await storedDocuments(storage, "big");

      assert.equal(result["action"], "discard");
      assert.equal(fits["action"], "commit");
      assert.equal(sawInPatch(b, "shape:big"), false);
      assert.equal(stored.has("shape:big"), false);
      assert.ok(stored.has("shape:ok") && stored.has("shape:from-b"));
      assert.match(metrics, /^tlsync_pushes_rejected_total\{reason="RECORD_TOO_LARGE"\} 1$/m);
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("a patch that makes a record too large is discarded; the stored record is unchanged", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, limits: { maxRecordBytes: 8 * 1024 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/grow?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/grow?sessionId=b`);
      a.send({ type: "push", clientClock: 1, diff: { "shape:g": ["put", geoShape("shape:g")] } });
      await pushResult(a, 1);

      a.send({
        type: "push",
        clientClock: 2,
        diff: { "shape:g": ["patch", { meta: ["put", { pad: "y".repeat(9000) }] }] },
      });
      const result = await pushResult(a, 2);
      await assertStillSyncs(b, a, "shape:next");
      await server.stop();
      const stored = await storedDocuments(storage, "grow");

      assert.equal(result["action"], "discard");
      assert.deepEqual(stored.get("shape:g")?.["meta" as never], {});
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("a presence record over maxRecordBytes is discarded and never reaches peers", async () => {
    const server = await serve({ limits: { maxRecordBytes: 4 * 1024 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/pres?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/pres?sessionId=b`);
      const huge = { ...presence("instance_presence:a"), chatMessage: "z".repeat(5000) };

      a.send({ type: "push", clientClock: 1, presence: ["put", huge] });
      const result = await pushResult(a, 1);
      await assertStillSyncs(a, b, "shape:after");

      assert.equal(result["action"], "discard");
      const presencePatches = b.messages.filter((m) =>
        m["type"] === "patch" &&
        Object.keys(m["diff"] as object).some((k) => k.startsWith("instance_presence:"))
      );
      assert.deepEqual(presencePatches, []);
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });
});
