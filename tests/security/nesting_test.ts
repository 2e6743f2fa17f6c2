// Nesting caps over real sockets: a 10,000-level record is refused before any validator,
// migration or diff recursion sees it (neither runtime overflows its stack), the pusher gets
// `discard`, nothing is stored or broadcast, and the room keeps syncing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape, presence } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import {
  assertStillSyncs,
  nested,
  pushResult,
  sawInPatch,
  storedDocuments,
} from "./_security_helpers.ts";

describe("nesting caps", () => {
  it("a put nested 10,000 levels is discarded; peers keep syncing; nothing stored", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage });
    try {
      const a = await connectRaw(`${server.ws}/connect/deep?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/deep?sessionId=b`);

      a.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:deep": ["put", geoShape("shape:deep", 0, 0, { meta: nested(10_000) })] },
      });
      const result = await pushResult(a, 1);
      await assertStillSyncs(b, a, "shape:from-b");
      await assertStillSyncs(a, b, "shape:from-a");
      await server.stop();
      const stored = await storedDocuments(storage, "deep");

      assert.equal(result["action"], "discard");
      assert.equal(sawInPatch(b, "shape:deep"), false);
      assert.equal(stored.has("shape:deep"), false);
      assert.ok(stored.has("shape:from-a") && stored.has("shape:from-b"));
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("exactly maxRecordDepth levels commit; one more is discarded", async () => {
    const server = await serve();
    try {
      const a = await connectRaw(`${server.ws}/connect/edge?sessionId=a`);

      // The record is level 1, so meta may hold 99 levels.
      a.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:100": ["put", geoShape("shape:100", 0, 0, { meta: nested(99) })] },
      });
      a.send({
        type: "push",
        clientClock: 2,
        diff: { "shape:101": ["put", geoShape("shape:101", 0, 0, { meta: nested(100) })] },
      });
      const at = await pushResult(a, 1);
      const over = await pushResult(a, 2);

      assert.equal(at["action"], "commit");
      assert.equal(over["action"], "discard");
      a.close();
    } finally {
      await server.stop();
    }
  });

  it("a patch whose result nests too deep is discarded; a 10,000-level patch too", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, limits: { maxRecordDepth: 20 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/patch?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/patch?sessionId=b`);
      a.send({ type: "push", clientClock: 1, diff: { "shape:p": ["put", geoShape("shape:p")] } });
      await pushResult(a, 1);

      // 30 levels inside one "put" op: the op passes the pre-check (2 × 20 + 1), the result not.
      a.send({
        type: "push",
        clientClock: 2,
        diff: { "shape:p": ["patch", { meta: ["put", nested(30)] }] },
      });
      let patch: unknown = ["put", 1];
      for (let i = 0; i < 10_000; i++) patch = ["patch", { meta: patch }];
      a.send({ type: "push", clientClock: 3, diff: { "shape:p": patch } });
      const result = await pushResult(a, 2);
      const deepPatch = await pushResult(a, 3);
      await assertStillSyncs(b, a, "shape:next");
      await server.stop();
      const stored = await storedDocuments(storage, "patch");

      assert.equal(result["action"], "discard");
      assert.equal(deepPatch["action"], "discard");
      assert.deepEqual(stored.get("shape:p")?.["meta" as never], {});
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("a presence nested 10,000 levels is discarded and never reaches peers", async () => {
    const server = await serve();
    try {
      const a = await connectRaw(`${server.ws}/connect/pdeep?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/pdeep?sessionId=b`);

      a.send({
        type: "push",
        clientClock: 1,
        presence: ["put", { ...presence("instance_presence:a"), meta: nested(10_000) }],
      });
      const result = await pushResult(a, 1);
      await assertStillSyncs(a, b, "shape:after");

      assert.equal(result["action"], "discard");
      assert.equal(
        b.messages.some((m) =>
          m["type"] === "patch" &&
          Object.keys(m["diff"] as object).some((k) => k.startsWith("instance_presence:"))
        ),
        false,
      );
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });
});
