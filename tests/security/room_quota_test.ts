// The room size cap over real sockets: pushes that would grow a room past maxRoomBytes are
// discarded; the room stays joinable (also after a restart, which recomputes its size from
// storage), shrinking is always allowed, and other sessions keep syncing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { serve } from "../helpers/serve.ts";
import {
  assertStillSyncs,
  pushResult,
  shapeOfBytes,
  storedDocuments,
} from "./_security_helpers.ts";

const LIMITS = { maxRoomBytes: 40 * 1024, maxRecordBytes: 8 * 1024 };

async function put(c: RawClient, clock: number, id: string, bytes: number): Promise<string> {
  c.send({ type: "push", clientClock: clock, diff: { [id]: ["put", shapeOfBytes(id, bytes)] } });
  return (await pushResult(c, clock))["action"] as string;
}

function connectDiffIds(c: RawClient): string[] {
  const reply = c.messages.find((m) => m["type"] === "connect")!;
  return Object.keys(reply["diff"] as object).filter((id) => id.startsWith("shape:"));
}

describe("room size cap", () => {
  it("large pushes approach maxRoomBytes, then are discarded; the room stays joinable", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, limits: LIMITS });
    try {
      const a = await connectRaw(`${server.ws}/connect/quota?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/quota?sessionId=b`);
      const actions: string[] = [];
      for (let i = 0; i < 12; i++) actions.push(await put(a, i + 1, `shape:big${i}`, 6000));
      const committed = actions.filter((x) => x === "commit").length;
      const late = await connectRaw(`${server.ws}/connect/quota?sessionId=late`);
      await assertStillSyncs(b, late, "shape:small-b");

      a.send({ type: "push", clientClock: 100, diff: { "shape:big0": ["remove"] } });
      await pushResult(a, 100);
      const afterDelete = await put(a, 101, "shape:again", 6000);
      await server.stop();
      const stored = await storedDocuments(storage, "quota");
      const storedBytes = [...stored.values()].reduce(
        (n, r) => n + new TextEncoder().encode(JSON.stringify(r)).byteLength,
        0,
      );

      assert.ok(committed >= 5 && committed < 12, `committed ${committed} of 12`);
      assert.deepEqual(actions.slice(committed), Array(12 - committed).fill("discard"));
      assert.equal(connectDiffIds(late).length, committed);
      assert.equal(afterDelete, "commit");
      assert.ok(storedBytes <= LIMITS.maxRoomBytes, `stored ${storedBytes} bytes`);
      assert.equal(stored.has(`shape:big${committed}`), false);
      a.close();
      b.close();
      late.close();
    } finally {
      await server.stop();
    }
  });

  it("after a restart the size comes from storage: still capped, still joinable", async () => {
    const storage = new MemoryStorageProvider();
    const first = await serve({ storage, limits: LIMITS });
    let i = 0;
    try {
      const a = await connectRaw(`${first.ws}/connect/restart?sessionId=a`);
      while (i < 12 && (await put(a, i + 1, `shape:r${i}`, 6000)) === "commit") i++;
      a.close();
    } finally {
      await first.stop();
    }
    const second = await serve({ storage, limits: LIMITS });
    try {
      const a = await connectRaw(`${second.ws}/connect/restart?sessionId=a`);
      const b = await connectRaw(`${second.ws}/connect/restart?sessionId=b`);

      const grow = await put(a, 1, "shape:more", 6000);
      await assertStillSyncs(b, a, "shape:tiny");

      assert.ok(i >= 5 && i < 12);
      assert.equal(connectDiffIds(b).length, i);
      assert.equal(grow, "discard");
      a.close();
      b.close();
    } finally {
      await second.stop();
    }
  });
});
