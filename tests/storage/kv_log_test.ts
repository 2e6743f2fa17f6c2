// The log-structured write path: a commit is one log entry (no document or head write of its
// own), checkpoints fold the log into the document keys and move the head, loading replays the
// log after the head, and the entry format is the one room history reads.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import { LoadContext } from "../../src/storage/kv/kv_load_context.ts";
import type { LogEntry } from "../../src/storage/kv/kv_log_entry.ts";
import { readLogEntries } from "../../src/storage/kv/kv_log_read.ts";
import type { SkippedEntry } from "../../src/storage/kv/kv_records.ts";
import {
  type KvStorageOptions,
  KvStorageProvider,
} from "../../src/storage/kv/kv_storage_provider.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit } from "./storage_contract.ts";

const keys = new RoomKeys(["tlsync"], "r");

async function setup(options: KvStorageOptions = {}) {
  const dir = tempDir();
  const kv = await openKv(dir.file("kv.sqlite3"));
  const time = new FakeTime();
  const skipped: SkippedEntry[] = [];
  const make = (o: KvStorageOptions = {}) =>
    new KvStorageProvider(kv, {
      lease: false,
      time,
      commitWindowMs: 0, // the fake clock does not move by itself
      journal: false, // the room's own log (kv_journal_test.ts: the shared journal)
      onSkipped: (e) => skipped.push(e),
      ...options,
      ...o,
    });
  return { kv, time, skipped, make, done: () => (kv.close(), dir.remove()) };
}

async function count(kv: KvLike, prefix: KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

async function entries(kv: KvLike, range = {}): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of readLogEntries(kv, keys, range, new LoadContext("r", () => {}))) {
    out.push(e);
  }
  return out;
}

function put(id: string, clock: number, x = 0) {
  return commit({
    documentClock: clock,
    puts: [{ state: geoShape(id, x), lastChangedClock: clock }],
  });
}

/** Wait for background work on real KV (a bounded number of event-loop turns). */
async function settle(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error("background work did not finish");
}

describe("KV log", () => {
  it("a commit is one log entry in the contract's format; no document key is written", async () => {
    const t = await setup();
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      await room.commit({ ...put("shape:a", 1), time: 1234, authors: ["u1"] });
      await room.commit(commit({ documentClock: 2, deletes: { "shape:a": 2 } }));
      assert.equal(await count(t.kv, keys.docs()), 0);
      const log = await entries(t.kv);
      assert.deepEqual(log.map((e) => [e.clock, e.records]), [[1, 1], [2, 0]]);
      assert.equal(log[0]!.time, 1234);
      assert.deepEqual(log[0]!.authors, ["u1"]);
      assert.ok(log[0]!.schema && !log[1]!.schema);
      assert.deepEqual(log[1]!.deletes, { "shape:a": 2 });
      assert.deepEqual((await entries(t.kv, { after: 1 })).map((e) => e.clock), [2]);
      assert.deepEqual((await entries(t.kv, { upTo: 1 })).map((e) => e.clock), [1]);
      const loaded = (await (await t.make().openRoom("r")).load())!;
      assert.equal(loaded.documentClock, 2);
      assert.deepEqual(loaded.tombstones, { "shape:a": 2 });
    } finally {
      t.done();
    }
  });

  it("the entry-count threshold starts a checkpoint: documents written, head moved, log emptied", async () => {
    const t = await setup({ checkpoint: { maxEntries: 4, maxAgeMs: 60_000 } });
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      for (let c = 1; c <= 3; c++) await room.commit(put(`shape:${c}`, c));
      assert.equal(await count(t.kv, keys.docs()), 0);
      await room.commit(put("shape:1", 4, 9)); // the 4th entry
      await settle(async () => await count(t.kv, keys.logs()) === 0);
      assert.equal(await count(t.kv, keys.docs()), 3);
      const head = JSON.parse(
        new TextDecoder().decode((await t.kv.get<Uint8Array>(keys.head())).value!),
      );
      assert.equal(head.documentClock, 4);
      const loaded = (await (await t.make().openRoom("r")).load())!;
      const one = loaded.documents.find((d) => d.state.id === "shape:1")!;
      assert.equal(one.lastChangedClock, 4);
      assert.equal(loaded.documentClock, 4);
    } finally {
      t.done();
    }
  });

  it("after a checkpoint of several document batches the room keeps committing", async () => {
    const t = await setup({ checkpoint: { maxEntries: 2, maxAgeMs: 60_000 } });
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      const puts = (clock: number) =>
        Array.from({ length: 1500 }, (_, i) => ({
          state: geoShape(`shape:${i}`, clock),
          lastChangedClock: clock,
        }));
      await room.commit(commit({ documentClock: 1, puts: puts(1) }));
      await room.commit(commit({ documentClock: 2, puts: puts(2) })); // 2nd entry: checkpoint
      await settle(async () => await count(t.kv, keys.logs()) === 0);
      assert.equal(await count(t.kv, keys.docs()), 1500);
      await room.commit(put("shape:after", 3));
      await room.commit(put("shape:after", 4, 4));
      await room.close();
      const loaded = (await (await t.make().openRoom("r")).load())!;
      assert.equal(loaded.documents.length, 1501);
      assert.equal(loaded.documentClock, 4);
    } finally {
      t.done();
    }
  });

  it("the age threshold checkpoints on the injected clock", async () => {
    const t = await setup({ checkpoint: { maxEntries: 1000, maxAgeMs: 500 } });
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      await room.commit(put("shape:a", 1));
      t.time.tick(499);
      assert.equal(await count(t.kv, keys.docs()), 0);
      t.time.tick(1);
      await settle(async () => await count(t.kv, keys.docs()) === 1);
      await settle(async () => await count(t.kv, keys.logs()) === 0);
    } finally {
      t.done();
    }
  });

  it("keepLog leaves checkpointed entries for history; loading replays only those after the head", async () => {
    const t = await setup({ keepLog: true });
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      await room.commit(put("shape:a", 1));
      await room.commit(put("shape:b", 2));
      await room.close();
      assert.equal(await count(t.kv, keys.docs()), 2);
      assert.deepEqual((await entries(t.kv)).map((e) => e.clock), [1, 2]);
      const again = await t.make().openRoom("r");
      const loaded = (await again.load())!;
      assert.equal(loaded.documents.length, 2);
      await again.commit(put("shape:c", 3));
      await again.close();
      assert.deepEqual((await entries(t.kv)).map((e) => e.clock), [1, 2, 3]);
    } finally {
      t.done();
    }
  });

  it("an entry over one value is split into parts behind a manifest and read back whole", async () => {
    const t = await setup({ checkpoint: { maxBytes: 1e9, maxAgeMs: 60_000 } });
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      const puts = Array.from({ length: 800 }, (_, i) => ({
        state: geoShape(`shape:${i}`, i),
        lastChangedClock: 1,
      }));
      await room.commit(commit({ puts }));
      const manifest = JSON.parse(
        new TextDecoder().decode((await t.kv.get<Uint8Array>(keys.log(1))).value!),
      );
      assert.equal(manifest.v, 1);
      assert.ok(manifest.parts > 1, "split");
      assert.equal(await count(t.kv, keys.logs()), manifest.parts + 1);
      assert.equal((await entries(t.kv))[0]!.puts.length, 800);
      assert.equal((await (await t.make().openRoom("r")).load())!.documents.length, 800);
    } finally {
      t.done();
    }
  });

  it("parts without a manifest are no entry: loading removes them and reports nothing", async () => {
    const t = await setup();
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      await room.commit(put("shape:a", 1));
      await t.kv.atomic().set(keys.logPart(2, 0), new Uint8Array([1, 2])).commit();
      const loaded = (await (await t.make().openRoom("r")).load())!;
      assert.equal(loaded.documentClock, 1);
      assert.equal((await t.kv.get(keys.logPart(2, 0))).versionstamp, null);
      assert.deepEqual(t.skipped, []);
    } finally {
      t.done();
    }
  });

  it("an undecodable entry is skipped and reported; its clock is not reused", async () => {
    const t = await setup();
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      await room.commit(put("shape:a", 1));
      await room.commit(put("shape:b", 2));
      await t.kv.atomic().set(keys.log(2), new TextEncoder().encode("{nope")).commit();
      const again = await t.make().openRoom("r");
      const loaded = (await again.load())!;
      assert.deepEqual(loaded.documents.map((d) => d.state.id), ["shape:a"]);
      assert.equal(loaded.documentClock, 2);
      assert.equal(t.skipped.length, 1);
      assert.equal(t.skipped[0]!.key, '["tlsync","room","r","log",2]');
      await again.commit(put("shape:c", 3));
      await again.close();
      const ids = (await (await t.make().openRoom("r")).load())!.documents.map((d) => d.state.id);
      assert.deepEqual(ids.sort(), ["shape:a", "shape:c"]);
    } finally {
      t.done();
    }
  });

  it("a replace is logged, then checkpointed at once, dropping stored records it does not name", async () => {
    const t = await setup({ checkpoint: { maxAgeMs: 60_000 } });
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      await room.commit(put("shape:old", 1));
      await room.close();
      assert.equal(await count(t.kv, keys.docs()), 1);
      const again = await t.make().openRoom("r");
      await again.load();
      await again.commit(commit({
        documentClock: 2,
        replace: true,
        puts: [{ state: geoShape("shape:new"), lastChangedClock: 2 }],
      }));
      await settle(async () => await count(t.kv, keys.logs()) === 0);
      const ids = [];
      for await (const e of t.kv.list({ prefix: keys.docs() })) ids.push(e.key.at(-1));
      assert.deepEqual(ids, ["shape:new"]);
    } finally {
      t.done();
    }
  });

  it("salvage reads the log too", async () => {
    const t = await setup();
    try {
      const room = await t.make().openRoom("r");
      await room.load();
      await room.commit(put("shape:a", 1));
      await room.commit(put("shape:b", 2));
      const salvaged = (await t.make().salvageRoom("r"))!;
      assert.deepEqual(salvaged.documents.map((d) => d.state.id).sort(), ["shape:a", "shape:b"]);
      assert.equal(salvaged.documentClock, 2);
      await t.make().deleteRoom("r");
      assert.equal(await count(t.kv, keys.root), 0);
    } finally {
      t.done();
    }
  });
});
