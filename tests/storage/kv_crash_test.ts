// Crash points of the log-structured KV path, on a real KV behind a fault-injecting wrapper:
// mid-checkpoint (documents written, head not flipped: the flip fails or hangs forever), after
// the head flip before the covered log entries are deleted, two writers racing on one room, and
// data written by the previous (per-record) layout. After each, a fresh provider on the same KV
// must load every acknowledged change. These run with the shared journal off (every entry in the
// room's own log); kv_journal_test.ts covers the journal's crash points.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { encodeJson } from "../../src/storage/kv/kv_codec.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvAtomicLike, KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import {
  type KvStorageOptions,
  KvStorageProvider,
} from "../../src/storage/kv/kv_storage_provider.ts";
import type { RoomSnapshot } from "../../src/storage/storage.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit } from "./storage_contract.ts";

const keys = new RoomKeys(["tlsync"], "r");
const HEAD = JSON.stringify(keys.head());
const isLog = (k: KvKey) => k.length > keys.root.length && k[keys.root.length] === "log";

type Fault = "fail" | "hang" | null;

/** `kv` whose atomics matching `match` fail or never answer while `fault` is set. */
function faulty(kv: KvLike, match: (sets: KvKey[], deletes: KvKey[]) => boolean) {
  const state = { fault: null as Fault, hit: 0 };
  const wrapped: KvLike = {
    get: (k) => kv.get(k),
    list: (s, o) => kv.list(s, o),
    close: () => kv.close(),
    atomic: (): KvAtomicLike => {
      const op = kv.atomic();
      const sets: KvKey[] = [];
      const deletes: KvKey[] = [];
      const set = op.set.bind(op);
      const del = op.delete.bind(op);
      const real = op.commit.bind(op);
      op.set = (k, v, o) => (sets.push(k), set(k, v, o));
      op.delete = (k) => (deletes.push(k), del(k));
      op.commit = () => {
        if (!state.fault || !match(sets, deletes)) return real();
        state.hit++;
        if (state.fault === "hang") return new Promise(() => {});
        return Promise.reject(new Error("injected KV failure"));
      };
      return op;
    },
  };
  return { kv: wrapped, state };
}

/** The head flip of a checkpoint: sets the head, appends nothing. */
const isFlip = (sets: KvKey[]) => sets.some((k) => JSON.stringify(k) === HEAD) && !sets.some(isLog);

async function setup() {
  const dir = tempDir();
  const kv = await openKv(dir.file("kv.sqlite3"));
  const fresh = (o: KvStorageOptions = {}) =>
    new KvStorageProvider(kv, { lease: false, commitWindowMs: 0, journal: false, ...o });
  return { kv, fresh, done: () => (kv.close(), dir.remove()) };
}

async function count(kv: KvLike, prefix: KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

async function headClock(kv: KvLike): Promise<number> {
  const v = (await kv.get<Uint8Array>(keys.head())).value!;
  return JSON.parse(new TextDecoder().decode(v)).documentClock;
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function xs(snapshot: RoomSnapshot): Record<string, number> {
  return Object.fromEntries(
    snapshot.documents.map((d) => [d.state.id, (d.state as unknown as { x: number }).x]),
  );
}

const many = (n: number, clock: number, x: number) =>
  Array.from(
    { length: n },
    (_, i) => ({ state: geoShape(`shape:${i}`, x), lastChangedClock: clock }),
  );

describe("KV log crash points", () => {
  for (const fault of ["fail", "hang"] as const) {
    it(`mid-checkpoint (documents written, head flip ${fault === "fail" ? "fails" : "never answers"}): a fresh provider loads every acknowledged change`, async () => {
      const t = await setup();
      try {
        const { kv, state } = faulty(t.kv, (sets) => isFlip(sets));
        const a = new KvStorageProvider(kv, {
          journal: false,
          lease: false,
          commitWindowMs: 0,
          checkpoint: { maxEntries: 4, maxBytes: 1e9, maxAgeMs: 3_600_000 },
        });
        const room = await a.openRoom("r");
        await room.load();
        // 1,500 records: the checkpoint needs several document batches before its flip.
        await room.commit(commit({ documentClock: 1, puts: many(1500, 1, 1) }));
        await room.commit(commit({ documentClock: 2, puts: many(1500, 2, 2) }));
        await room.commit(commit({ documentClock: 3, deletes: { "shape:1400": 3 } }));
        state.fault = fault;
        await room.commit(commit({ documentClock: 4, puts: many(10, 4, 4) })); // 4th: checkpoint
        await until(() => state.hit > 0, "the head flip");
        assert.ok(await count(t.kv, keys.docs()) > 0, "documents were written before the flip");
        assert.equal(await headClock(t.kv), 0, "the head never moved");
        // The process dies here. A new one loads from the old head plus the log.
        const loaded = (await (await t.fresh().openRoom("r")).load())!;
        const x = xs(loaded);
        assert.equal(loaded.documentClock, 4);
        assert.equal(loaded.documents.length, 1499);
        assert.equal(x["shape:3"], 4);
        assert.equal(x["shape:500"], 2);
        assert.equal(x["shape:1400"], undefined);
        assert.deepEqual(loaded.tombstones, { "shape:1400": 3 });
      } finally {
        t.done();
      }
    });
  }

  it("a failed checkpoint gives its changes back and a later one writes them", async () => {
    const t = await setup();
    try {
      const { kv, state } = faulty(t.kv, (sets) => isFlip(sets));
      const a = new KvStorageProvider(kv, { lease: false, commitWindowMs: 0, journal: false });
      const room = await a.openRoom("r");
      await room.load();
      await room.commit(commit({ documentClock: 1, puts: many(3, 1, 1) }));
      state.fault = "fail";
      await room.commit(commit({ documentClock: 2, replace: true, puts: many(2, 2, 2) }));
      await until(() => state.hit > 0, "the failed flip");
      state.fault = null;
      await room.commit(commit({ documentClock: 3, puts: many(1, 3, 3) }));
      await room.close(); // checkpoints everything
      assert.equal(await count(t.kv, keys.logs()), 0);
      assert.equal(await headClock(t.kv), 3);
      assert.deepEqual(xs((await (await t.fresh().openRoom("r")).load())!), {
        "shape:0": 3,
        "shape:1": 2,
      });
    } finally {
      t.done();
    }
  });

  it("after the head flip, before the covered entries are deleted: they are ignored and removed at load", async () => {
    const t = await setup();
    try {
      // Over 900 entries: the flip's atomic cannot delete them all; the rest fails (crash).
      const { kv, state } = faulty(
        t.kv,
        (sets, deletes) => sets.length === 0 && deletes.some(isLog),
      );
      const n = 950;
      const a = new KvStorageProvider(kv, {
        journal: false,
        lease: false,
        commitWindowMs: 0,
        checkpoint: { maxEntries: n, maxBytes: 1e9, maxAgeMs: 3_600_000 },
      });
      const room = await a.openRoom("r");
      await room.load();
      state.fault = "fail";
      for (let c = 1; c < n; c++) {
        await room.commit(
          commit({
            documentClock: c,
            puts: [{ state: geoShape("shape:a", c), lastChangedClock: c }],
          }),
        );
      }
      await room.commit(commit({ documentClock: n, deletes: { "shape:a": n } }));
      await until(() => state.hit > 0, "the cleanup after the flip");
      assert.equal(await headClock(t.kv), n, "the head flipped");
      const left = await count(t.kv, keys.logs());
      assert.ok(left > 0 && left < n, `some covered entries are left (${left})`);
      const loaded = (await (await t.fresh().openRoom("r")).load())!;
      assert.equal(loaded.documentClock, n);
      assert.deepEqual(loaded.documents.map((d) => d.state.id), []);
      assert.deepEqual(loaded.tombstones, { "shape:a": n });
      assert.equal(await count(t.kv, keys.logs()), 0, "removed at load");
    } finally {
      t.done();
    }
  });

  it("two writers: the stale one's append and checkpoint are refused, and it writes no document", async () => {
    const t = await setup();
    try {
      const lost: string[] = [];
      // No checkpoint starts by itself: each happens where the test says.
      const held = { checkpoint: { maxEntries: 1e5, maxBytes: 1e9, maxAgeMs: 3_600_000 } };
      const a = await t.fresh(held).openRoom("r");
      await a.load();
      await a.commit(commit({ documentClock: 1, puts: many(1500, 1, 1) }));
      const b = await t.fresh(held).openRoom("r", { onLost: (r) => lost.push(r) });
      await b.load(); // b holds 1,500 records to checkpoint
      await a.commit(commit({ documentClock: 2, puts: many(1, 2, 2) }));
      await assert.rejects(async () =>
        await b.commit(commit({ documentClock: 2, puts: many(1, 2, 9) }))
      );
      assert.equal(lost.length, 1);
      await b.close(); // a lost writer does not checkpoint
      assert.equal(await count(t.kv, keys.docs()), 0, "the stale writer wrote nothing");

      const c = await t.fresh(held).openRoom("r", { onLost: (r) => lost.push(r) });
      await c.load();
      await a.commit(commit({ documentClock: 3, puts: many(1, 3, 3) }));
      await c.close(); // its checkpoint's first document batch is refused: c is stale
      assert.equal(lost.length, 2);
      assert.equal(await count(t.kv, keys.docs()), 0, "no document batch of a stale writer lands");
      await a.close();
      const x = xs((await (await t.fresh().openRoom("r")).load())!);
      assert.equal(x["shape:0"], 3);
      assert.equal(x["shape:1"], 1);
      assert.equal(Object.keys(x).length, 1500);
    } finally {
      t.done();
    }
  });

  it("a room stored by the per-record layout (head, documents, chunks, a pending journal) loads unchanged and takes log commits", async () => {
    const t = await setup();
    try {
      const big = geoShape("shape:big", 0, 0, { meta: { blob: "b".repeat(100_000) } });
      const bigJson = encodeJson(big);
      const journaled = commit({
        documentClock: 4,
        puts: [{ state: geoShape("shape:j", 4), lastChangedClock: 4 }],
        deletes: { "shape:a": 4 },
      });
      await t.kv.atomic()
        .set(
          keys.head(),
          encodeJson({
            v: 1,
            documentClock: 4,
            tombstoneHistoryStartsAtClock: 1,
            journal: { clock: 4, parts: 1 },
          }),
        )
        .set(keys.schema(), encodeJson(serverSchema))
        .set(keys.doc("shape:a"), encodeJson({ c: 1, s: geoShape("shape:a", 1) }))
        .set(keys.doc("shape:t"), encodeJson({ c: 2, t: 1 }))
        .set(keys.doc("shape:big"), encodeJson({ c: 3, parts: 2 }))
        .set(keys.chunk("shape:big", 3, 0), bigJson.subarray(0, 60_000))
        .set(keys.chunk("shape:big", 3, 1), bigJson.subarray(60_000))
        .set(keys.journalPart(4, 0), encodeJson(journaled))
        .commit();
      const room = await t.fresh().openRoom("r");
      const loaded = (await room.load())!;
      assert.equal(loaded.documentClock, 4);
      assert.equal(loaded.tombstoneHistoryStartsAtClock, 1);
      assert.deepEqual(loaded.documents.map((d) => d.state.id).sort(), ["shape:big", "shape:j"]);
      assert.deepEqual(loaded.tombstones, { "shape:t": 2, "shape:a": 4 });
      assert.deepEqual(loaded.schema, serverSchema);
      await room.commit(
        commit({
          documentClock: 5,
          puts: [{ state: geoShape("shape:n", 5), lastChangedClock: 5 }],
        }),
      );
      assert.equal(await count(t.kv, keys.logs()), 1, "the new commit is a log entry");
      const again = (await (await t.fresh().openRoom("r")).load())!;
      assert.equal(again.documentClock, 5);
      assert.deepEqual(again.documents.map((d) => d.state.id).sort(), [
        "shape:big",
        "shape:j",
        "shape:n",
      ]);
    } finally {
      t.done();
    }
  });
});
