// The shared journal (kv_shared_journal.ts) on a real KV file: rooms' small commits share one
// journal value per atomic; a writer that stops (a crash: no close, no checkpoint) loses nothing
// acknowledged; a new writer claims the room and fences the old one out; a checkpoint a crash cut
// short (entries copied to the room's log, head not moved) counts each entry once; values go once
// no room needs them, by their writer or by the sweep; stored values that cannot be trusted are
// skipped (a value) or fail the load (a head whose pointer cannot be followed).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { encodeJson } from "../../src/storage/kv/kv_codec.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import type { SkippedEntry } from "../../src/storage/kv/kv_records.ts";
import {
  type KvStorageOptions,
  KvStorageProvider,
} from "../../src/storage/kv/kv_storage_provider.ts";
import { CommitRefusedError } from "../../src/storage/commit_refused_error.ts";
import type { RoomSnapshot, RoomStorage } from "../../src/storage/storage.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit } from "./storage_contract.ts";

const WAL: KvKey = ["tlsync", "wal"];
const keysOf = (room: string) => new RoomKeys(["tlsync"], room);

async function setup() {
  const dir = tempDir();
  const kv = await openKv(dir.file("kv.sqlite3"));
  const skipped: SkippedEntry[] = [];
  const make = (o: KvStorageOptions = {}) =>
    new KvStorageProvider(kv, {
      lease: false,
      commitWindowMs: 0,
      checkpoint: { maxEntries: 1000, maxBytes: 1e9, maxAgeMs: 3_600_000 },
      onSkipped: (e) => skipped.push(e),
      ...o,
    });
  return { kv, skipped, make, done: () => (kv.close(), dir.remove()) };
}

async function entries(kv: KvLike, prefix: KvKey) {
  const out: { key: KvKey; value: Uint8Array }[] = [];
  for await (const e of kv.list<Uint8Array>({ prefix })) out.push(e);
  return out;
}

/** Journal values, decoded: writer, seq and the rooms in each. */
async function journalValues(kv: KvLike) {
  return (await entries(kv, WAL)).map((e) => ({
    writer: e.key[2] as string,
    seq: e.key[3] as number,
    rooms: Object.keys(JSON.parse(new TextDecoder().decode(e.value)).rooms),
  }));
}

async function head(kv: KvLike, room: string) {
  const e = await kv.get<Uint8Array>(keysOf(room).head());
  return { value: JSON.parse(new TextDecoder().decode(e.value!)), versionstamp: e.versionstamp };
}

const put = (id: string, x: number, clock: number) => ({
  state: geoShape(id, x),
  lastChangedClock: clock,
});

function xs(snapshot: RoomSnapshot): Record<string, number> {
  return Object.fromEntries(
    snapshot.documents.map((d) => [d.state.id, (d.state as unknown as { x: number }).x]),
  );
}

/**
 * Commit `clock` in every room in one task: the commits share one atomic, so their entries go into
 * one journal value.
 */
async function together(rooms: RoomStorage[], clock: number, id = "shape:a"): Promise<void> {
  await Promise.all(
    rooms.map((s) => s.commit(commit({ documentClock: clock, puts: [put(id, clock, clock)] }))),
  );
}

/** Open and load `room`, and give it a first commit (which creates its head in its own log). */
async function started(provider: KvStorageProvider, room: string): Promise<RoomStorage> {
  const storage = await provider.openRoom(room);
  await storage.load();
  await storage.commit(commit({ documentClock: 1, puts: [put("shape:a", 1, 1)] }));
  return storage;
}

/** Rooms z, r and q, started in that order (committed `together`, r shares values with both). */
async function trio(provider: KvStorageProvider): Promise<RoomStorage[]> {
  return [await started(provider, "z"), await started(provider, "r"), await started(provider, "q")];
}

describe("KV shared journal", () => {
  it("rooms committing together share one journal value; after its claim a room's commit writes neither its head nor its log", async () => {
    const t = await setup();
    try {
      const provider = t.make();
      const rooms = await Promise.all(["a", "b", "c"].map((r) => started(provider, r)));
      const all = ["a", "b", "c"];
      // Clock 2 in every room in one task: one atomic, one value, each room claiming its head.
      await together(rooms, 2);
      const first = await journalValues(t.kv);
      assert.equal(first.length, 1, "one value for a, b and c");
      assert.deepEqual(first[0]!.rooms.sort(), all);
      for (const r of all) {
        assert.equal((await head(t.kv, r)).value.wal.w, first[0]!.writer, `${r} points there`);
        assert.equal((await entries(t.kv, keysOf(r).logs())).length, 1, "only clock 1 is logged");
      }
      const before = await Promise.all(all.map((r) => head(t.kv, r)));
      await together(rooms, 3);
      const after = await Promise.all(all.map((r) => head(t.kv, r)));
      assert.deepEqual(after.map((h) => h.versionstamp), before.map((h) => h.versionstamp));
      const values = await journalValues(t.kv);
      assert.equal(values.length, 2);
      assert.deepEqual(values[1]!.rooms.sort(), all);
      for (const r of all) {
        assert.equal((await entries(t.kv, keysOf(r).logs())).length, 1, "nor clock 3");
      }
      await rooms[0]!.commit(commit({ documentClock: 4, puts: [put("shape:a", 4, 4)] }));
      assert.equal((await journalValues(t.kv)).length, 2, "a commit alone writes no value");
      const aLog = (await entries(t.kv, keysOf("a").logs())).map((e) => e.key.at(-1));
      assert.deepEqual(
        aLog,
        [1, 4],
        "a, alone in its atomic and already pointing, logged 4 itself",
      );
    } finally {
      t.done();
    }
  });

  it("a writer that stops without a checkpoint loses nothing acknowledged; the next one claims the room and refuses the old one", async () => {
    const t = await setup();
    try {
      const a = t.make();
      const [z, old, q] = await trio(a);
      for (let clock = 2; clock <= 20; clock++) {
        await together([z, old, q], clock, `shape:${clock % 5}`);
      }
      const inJournal = (await journalValues(t.kv)).filter((v) => v.rooms.includes("r")).length;
      assert.equal(inJournal, 19, "r's commits are in the journal");
      assert.equal((await head(t.kv, "r")).value.documentClock, 0, "nothing was checkpointed");
      // `a` stops here (no close). A new writer on the same KV:
      const b = t.make();
      const room = await b.openRoom("r");
      const loaded = (await room.load())!;
      assert.equal(loaded.documentClock, 20);
      assert.deepEqual(xs(loaded), {
        "shape:a": 1,
        "shape:0": 20,
        "shape:1": 16,
        "shape:2": 17,
        "shape:3": 18,
        "shape:4": 19,
      });
      const h = (await head(t.kv, "r")).value;
      assert.equal(h.documentClock, 20, "loading made the journaled entries the room's own");
      assert.notEqual(h.wal?.w, (await journalValues(t.kv))[0]!.writer);
      // The old writer's next append is refused: it no longer owns the room's head.
      await assert.rejects(
        async () => await together([z, old, q], 21, "shape:x"),
        CommitRefusedError,
      );
      await room.commit(commit({ documentClock: 21, puts: [put("shape:y", 21, 21)] }));
      await room.close();
      const again = (await (await t.make().openRoom("r")).load())!;
      assert.equal(xs(again)["shape:y"], 21);
      assert.equal(xs(again)["shape:x"], undefined);
    } finally {
      t.done();
    }
  });

  it("a checkpoint cut short after copying entries to the kept log (head not moved) counts each entry once", async () => {
    const t = await setup();
    try {
      const a = t.make({ keepLog: true });
      const [z, old, q] = await trio(a);
      for (let clock = 2; clock <= 6; clock++) await together([z, old, q], clock);
      // What the checkpoint's first atomic would have written before a crash: the copies.
      const keys = keysOf("r");
      const atomic = t.kv.atomic();
      let copied = 0;
      for (const v of await entries(t.kv, WAL)) {
        const entry = JSON.parse(new TextDecoder().decode(v.value)).rooms.r;
        if (entry) (copied++, atomic.set(keys.log(entry.clock), encodeJson(entry)));
      }
      assert.equal(copied, 5);
      assert.ok((await atomic.commit()).ok);
      const b = t.make({ keepLog: true });
      const loaded = (await (await b.openRoom("r")).load())!;
      assert.equal(loaded.documentClock, 6);
      assert.equal(xs(loaded)["shape:a"], 6);
      const clocks = (await entries(t.kv, keys.logs())).map((e) => e.key[keys.logs().length]);
      assert.deepEqual(clocks, [1, 2, 3, 4, 5, 6], "one log entry per commit");
    } finally {
      t.done();
    }
  });

  it("a value goes once every room in it has checkpointed past it; a stopped writer's values go by the sweep once no head points at them", async () => {
    const t = await setup();
    try {
      const a = t.make();
      const rooms = await Promise.all(["a", "b", "c"].map((r) => started(a, r)));
      await together(rooms, 2);
      assert.equal((await journalValues(t.kv)).length, 1, "one value for a, b and c");
      for (const s of rooms) await s.close(); // checkpoints: the values are no longer needed
      await started(a, "d"); // the next atomic carries the deletes
      assert.deepEqual(await journalValues(t.kv), []);

      // A writer that stops with its entries not checkpointed: its values are still needed.
      const stopped = t.make();
      const left = await Promise.all(["e", "f", "g"].map((r) => started(stopped, r)));
      await together(left, 2);
      const other = t.make();
      assert.equal(await other.sweepJournals(), 0, "a value a head points at stays");
      assert.equal((await journalValues(t.kv)).length, 1);
      for (const [r, swept] of [["e", 0], ["f", 0], ["g", 1]] as const) {
        const room = await other.openRoom(r);
        assert.equal(xs((await room.load())!)["shape:a"], 2);
        assert.equal(await other.sweepJournals(), swept, `after loading ${r}`);
      }
      assert.deepEqual(await journalValues(t.kv), []);
    } finally {
      t.done();
    }
  });

  it("a journal value that cannot be decoded is skipped and reported; a head whose journal pointer is malformed fails the load", async () => {
    const t = await setup();
    try {
      const a = t.make();
      const [z, room, q] = await trio(a);
      await together([z, room, q], 2);
      const value = (await entries(t.kv, WAL)).find((e) =>
        new TextDecoder().decode(e.value).includes('"r":')
      );
      await t.kv.atomic().set(value!.key, new TextEncoder().encode("{not json")).commit();
      // The sweep cannot tell whose it is, so it keeps it (deleting it hid the damage).
      assert.equal(await t.make().sweepJournals(), 0);
      assert.ok((await entries(t.kv, WAL)).some((e) => e.key.join() === value!.key.join()));
      const loaded = (await (await t.make().openRoom("r")).load())!;
      assert.equal(xs(loaded)["shape:a"], 1, "the room loads without the unreadable entry");
      assert.ok(t.skipped.some((s) => s.key.includes('"wal"')), "and says what it skipped");

      const keys = keysOf("s");
      const bad = { v: 1, documentClock: 3, tombstoneHistoryStartsAtClock: 0, wal: { w: 5 } };
      await t.kv.atomic().set(keys.head(), encodeJson(bad)).commit();
      const s = await t.make().openRoom("s");
      await assert.rejects(s.load(), /not a room head/);
    } finally {
      t.done();
    }
  });

  it("with the journal off, every commit goes to the room's own log and journals left by earlier runs still load", async () => {
    const t = await setup();
    try {
      const a = t.make();
      const [z, room, q] = await trio(a);
      await together([z, room, q], 2);
      assert.ok((await journalValues(t.kv)).some((v) => v.rooms.includes("r")));
      const off = t.make({ journal: false });
      const reopened = await off.openRoom("r");
      assert.equal(xs((await reopened.load())!)["shape:a"], 2);
      await reopened.commit(commit({ documentClock: 3, puts: [put("shape:a", 3, 3)] }));
      const keys = keysOf("r");
      const logged = (await entries(t.kv, keys.logs())).map((e) => e.key[keys.logs().length]);
      assert.ok(logged.includes(3), "clock 3 is in the room's log");
      assert.equal((await head(t.kv, "r")).value.wal, undefined, "the head points nowhere");
    } finally {
      t.done();
    }
  });
});
