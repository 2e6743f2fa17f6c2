// History resolution: the journaled commits of one room in one window become one restore point
// when the checkpoint copies them into the room's log (the state after the last, authors
// together); replace and schema entries stay points of their own; 0 keeps every commit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Room } from "../../src/room/room.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import { historyLogWrites, mergeLogEntries } from "../../src/storage/kv/kv_history_merge.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { LogEntry } from "../../src/storage/kv/kv_log_entry.ts";
import { RoomDelta } from "../../src/storage/kv/kv_room_delta.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import type { StoredDocument } from "../../src/storage/storage.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { geoShape } from "../helpers/records.ts";
import { assertReadsBack, canon } from "./_history_helpers.ts";

const T0 = Date.UTC(2026, 0, 1);
const doc = (id: string, x: number, clock: number): StoredDocument => ({
  state: geoShape(id, x, 0),
  lastChangedClock: clock,
});
const entry = (clock: number, time: number, change: Partial<LogEntry> = {}): LogEntry => ({
  v: 1,
  clock,
  time,
  puts: [],
  deletes: {},
  pruned: [],
  historyStart: 0,
  records: 1,
  ...change,
});
const folded = (e: LogEntry) => ({
  clock: e.clock,
  parts: 0,
  json: new TextEncoder().encode(JSON.stringify(e)),
  log: e,
});
const xOf = (d: StoredDocument) => (d.state as unknown as { x: number }).x;
const keys = new RoomKeys(["t"], "r");
const clocksOf = (writes: { key: readonly unknown[] }[]) => writes.map((w) => w.key.at(-1));
const decode = (w: { value: Uint8Array | null }) => JSON.parse(new TextDecoder().decode(w.value!));

describe("History resolution", () => {
  it("a merged run replays to what the run replays to; authors together; the last clock, time and counts", () => {
    const run = [
      entry(2, T0, { puts: [doc("shape:a", 1, 2), doc("shape:b", 1, 2)], authors: ["u1"] }),
      entry(3, T0 + 10, { deletes: { "shape:a": 3 }, authors: ["u2"] }),
      entry(4, T0 + 20, { puts: [doc("shape:c", 1, 4)], pruned: ["shape:old"], authors: ["u1"] }),
      entry(5, T0 + 30, { puts: [doc("shape:a", 9, 5), doc("shape:b", 2, 5)], records: 3 }),
    ];

    const merged = mergeLogEntries(run);
    const one = new RoomDelta();
    for (const e of run) one.apply(e, e.clock, 0);
    const all = new RoomDelta();
    all.apply(merged, merged.clock, 0);

    assert.deepEqual([...all.changes].sort(), [...one.changes].sort());
    assert.deepEqual(merged.puts.map((d) => [d.state.id, xOf(d)]).sort(), [
      ["shape:a", 9],
      ["shape:b", 2],
      ["shape:c", 1],
    ]);
    assert.deepEqual(merged.deletes, {});
    assert.deepEqual(merged.pruned, ["shape:old"]);
    assert.deepEqual(merged.authors, ["u1", "u2"]);
    assert.deepEqual([merged.clock, merged.time, merged.records], [5, T0 + 30, 3]);
  });

  it("runs break at window edges, at replace or schema entries and at entries already in the log, which are not copied", () => {
    const put = (clock: number) => ({ puts: [doc("shape:a", clock, clock)] });
    const entries = [
      folded(entry(1, T0, put(1))),
      folded(entry(2, T0 + 500, put(2))),
      folded(entry(3, T0 + 999, put(3))),
      folded(entry(4, T0 + 1000, put(4))),
      folded(entry(5, T0 + 1100, { ...put(5), replace: true })),
      folded(entry(6, T0 + 1200, put(6))),
      { clock: 7, parts: 0 }, // in the room's own log already
      folded(entry(8, T0 + 1300, put(8))),
      folded(entry(9, T0 + 1400, { ...put(9), schema: { schemaVersion: 2, sequences: {} } })),
    ];

    const merged = historyLogWrites(keys, entries, 1000);
    const each = historyLogWrites(keys, entries, 0);

    assert.deepEqual(clocksOf(merged), [3, 4, 5, 6, 8, 9]);
    assert.deepEqual(decode(merged[0]!).puts.map(xOf), [3]);
    assert.deepEqual(clocksOf(each), [1, 2, 3, 4, 5, 6, 8, 9]);
    assert.equal(decode(each[1]!).clock, 2);
  });

  it("a busy room keeps one restore point per window at its checkpoint, and each reads back", async () => {
    const points = async (resolutionMs: number) => {
      const kv = await openKv(":memory:");
      const time = new FakeTime(T0);
      // No gather period: both rooms' commits of one task share an atomic (the shared journal).
      const provider = new KvStorageProvider(kv, {
        lease: false,
        commitWindowMs: 0,
        history: { resolutionMs, passDelayMs: 3_600_000 },
      });
      const rooms = await Promise.all(
        ["a", "b"].map(async (roomId) =>
          Room.load({ roomId, storage: await provider.openRoom(roomId), time })
        ),
      );
      const states = new Map<number, string>();
      for (let window = 0; window < 2; window++) {
        for (let i = 0; i < 5; i++) {
          await Promise.all(
            rooms.map((room) =>
              room.updateStore((s) => s.put(geoShape(`shape:${i % 2}`, window * 10 + i, 0)))
            ),
          );
          states.set(rooms[0]!.getDocumentClock(), canon(rooms[0]!.getSnapshot()));
          time.tick(100);
        }
        time.tick(500); // the next window
      }
      for (const room of rooms) await room.close(); // checkpoints: the log is written
      const history = (await provider.history("a"))!;
      const count = await assertReadsBack(history, states);
      kv.close();
      return count;
    };

    // The first commit (a new room's whole state, in its own log) and one point per window.
    assert.equal(await points(1000), 3);
    assert.equal(await points(0), 10);
  });
});
