// /health tells load balancers the truth about storage: it names the storage kind and answers
// 503 while commits fail (from the first failed commit to the next one that succeeds). A commit
// refused for its own size does not count. Over real sockets; other rooms keep working.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { StorageHealth, StorageKind } from "../../src/storage/storage_health.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** `kv` whose atomic commits throw (like a full disk) while `failing.on`. */
function faulty(kv: KvLike, failing: { on: boolean }): KvLike {
  return {
    get: (k) => kv.get(k),
    list: (s, o) => kv.list(s, o),
    close: () => kv.close(),
    atomic: () => {
      const op = kv.atomic();
      const commit = op.commit.bind(op);
      op.commit = () => failing.on ? Promise.reject(new Error("disk I/O error")) : commit();
      return op;
    },
  };
}

async function pushOne(c: RawClient, clock: number, id: string): Promise<unknown> {
  c.send({ type: "push", clientClock: clock, diff: { [id]: ["put", geoShape(id)] } });
  return await Promise.race([
    c.next((m) => m["type"] === "push_result" && m["clientClock"] === clock, "push_result")
      .then((m) => m["action"]),
    c.closed.then((e) => e.code),
  ]);
}

describe("/health and storage", () => {
  it("answers 503 while commits fail and 200 once one succeeds; oversized commits do not count", {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const failing = { on: false };
    const kv = faulty(await openKv(dir.file("kv.sqlite3")), failing);
    const server = await serve({
      storage: new KvStorageProvider(kv, { lease: false, prefix: ["p".repeat(1700)] }),
      storageHealth: new StorageHealth(StorageKind.kvFile),
    });
    const health = async () => {
      const res = await fetch(`${server.http}/health`);
      return { status: res.status, body: await res.json() };
    };
    try {
      const a = await connectRaw(`${server.ws}/connect/a?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/b?sessionId=b`);
      assert.equal(await pushOne(a, 1, "shape:a1"), "commit");
      assert.deepEqual(await health(), {
        status: 200,
        body: { ok: true, storage: "kv-file", rooms: 2, sessions: 2 },
      });

      // A record whose key KV can never take fails its commit, but storage is fine.
      assert.equal(await pushOne(b, 1, `shape:${"x".repeat(400)}`), 1011);
      assert.equal((await health()).status, 200);

      failing.on = true;
      assert.equal(await pushOne(a, 2, "shape:a2"), 1011);
      const down = await health();
      assert.equal(down.status, 503);
      assert.equal(down.body.ok, false);
      assert.equal(down.body.storage, "kv-file");

      failing.on = false;
      const c = await connectRaw(`${server.ws}/connect/c?sessionId=c`);
      assert.equal(await pushOne(c, 1, "shape:c1"), "commit", "another room commits");
      assert.equal((await health()).status, 200);
      const a2 = await connectRaw(`${server.ws}/connect/a?sessionId=a2`);
      assert.equal(await pushOne(a2, 1, "shape:a3"), "commit", "the failed room recovers");
      for (const s of [a, b, c, a2]) s.close();
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});
