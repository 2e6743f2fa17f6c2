import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tombstoneBytes, TombstoneLedger } from "../../src/room/tombstone_ledger.ts";
import {
  DEFAULT_TOMBSTONE_RETENTION,
  type TombstoneRetention,
  trimTombstones,
} from "../../src/room/tombstone_retention.ts";
import { Room } from "../../src/room/room.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { makeHarness } from "../helpers/room_harness.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { MemoryRoomStorage } from "../../src/storage/memory_storage.ts";
import {
  DEFAULT_ROOM_LIMITS,
  resolveRoomLimits,
  ROOM_LIMIT_CEILINGS,
} from "../../src/room/room_limits.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { limitsFromEnv } from "../../src/app/env_limits.ts";

const DAY = 24 * 60 * 60 * 1000;

function ledgerOf(clocks: number[], at = 0): TombstoneLedger {
  return new TombstoneLedger(clocks.map((c, i) => [`shape:${i}`, c]), at);
}

function policy(overrides: Partial<TombstoneRetention>): TombstoneRetention {
  return { ...DEFAULT_TOMBSTONE_RETENTION, ...overrides };
}

describe("trimTombstones()", () => {
  it("keeps everything within every budget", () => {
    const ledger = ledgerOf([1, 2, 3]);

    assert.equal(trimTombstones(ledger, policy({ maxCount: 3 }), 0, 3), null);
    assert.equal(ledger.size, 3);
  });

  it("over the count cap, drops the oldest groups down to the trim fraction", () => {
    const ledger = ledgerOf([1, 2, 3, 4, 5, 6]);

    const trim = trimTombstones(ledger, policy({ maxCount: 5, trimTo: 0.8 }), 0, 6);

    assert.deepEqual(trim, { droppedIds: ["shape:0", "shape:1"], historyStartsAt: 3 });
    assert.equal(ledger.size, 4);
  });

  it("never splits tombstones that share a clock", () => {
    const ledger = ledgerOf([1, 2, 2, 2, 3]);

    const trim = trimTombstones(ledger, policy({ maxCount: 4, trimTo: 0.5 }), 0, 3);

    assert.deepEqual(trim?.droppedIds, ["shape:0", "shape:1", "shape:2", "shape:3"]);
    assert.equal(trim?.historyStartsAt, 3);
  });

  it("when every tombstone shares one clock, all go and history starts at the document clock", () => {
    const ledger = ledgerOf(Array(10).fill(7));

    const trim = trimTombstones(ledger, policy({ maxCount: 4 }), 0, 9);

    assert.equal(trim?.droppedIds.length, 10);
    assert.equal(trim?.historyStartsAt, 9);
  });

  it("the byte budget trims long ids even under the count cap", () => {
    const ledger = new TombstoneLedger([
      ["shape:" + "a".repeat(1000), 1],
      ["shape:b", 2],
      ["shape:c", 3],
    ]);
    const maxBytes = tombstoneBytes("shape:b") * 3;

    const trim = trimTombstones(ledger, policy({ maxBytes }), 0, 3);

    assert.equal(trim?.droppedIds.length, 1);
    assert.equal(trim?.historyStartsAt, 2);
    assert.ok(ledger.bytes <= maxBytes);
  });

  it("drops deletions older than the age limit, and only those", () => {
    const ledger = new TombstoneLedger();
    ledger.record("shape:old", 1, 0);
    ledger.record("shape:new", 2, 5 * DAY);

    const trim = trimTombstones(ledger, policy({ maxAgeMs: 2 * DAY }), 6 * DAY, 2);

    assert.deepEqual(trim, { droppedIds: ["shape:old"], historyStartsAt: 2 });
    assert.equal(ledger.has("shape:new"), true);
  });

  it("loaded tombstones are aged from the load time", () => {
    const ledger = ledgerOf([1, 2], 10 * DAY);

    assert.equal(trimTombstones(ledger, policy({ maxAgeMs: DAY }), 10 * DAY + 1, 2), null);
    assert.equal(
      trimTombstones(ledger, policy({ maxAgeMs: DAY }), 11 * DAY + 1, 2)?.droppedIds.length,
      2,
    );
  });
});

describe("TombstoneLedger", () => {
  it("lists ids deleted strictly after a clock and forgets re-created ids", () => {
    const ledger = ledgerOf([3, 1, 2, 2]);

    ledger.forget("shape:0");

    assert.deepEqual(ledger.deletedAfter(1).sort(), ["shape:2", "shape:3"]);
    assert.deepEqual(ledger.oldest()?.clock, 1);
    assert.equal(ledger.get("shape:2"), 2);
    assert.equal(ledger.bytes, 3 * tombstoneBytes("shape:0"));
  });
});

describe("Room tombstone history", () => {
  it("a mass delete past the cap advances history: an old client then gets wipe_all", async () => {
    const documents = Array.from(
      { length: 5002 },
      (_, i) => ({ state: geoShape(`shape:${i}`), lastChangedClock: 1 }),
    );
    const storage = new MemoryRoomStorage({
      documentClock: 1,
      tombstoneHistoryStartsAtClock: 0,
      documents,
      schema: serverSchema,
    });
    const h = await makeHarness({ storage });
    const a = await h.connect("a", { lastServerClock: 1 });
    const diff = Object.fromEntries(documents.map((d) => [d.state.id, ["remove"]]));

    await h.send("a", a, { type: "push", clientClock: 1, diff });
    const b = await h.connect("b", { lastServerClock: 1 });

    const snapshot = h.room.getSnapshot();
    assert.ok(snapshot.tombstoneHistoryStartsAtClock! > 1);
    assert.ok(Object.keys(snapshot.tombstones!).length <= 5000);
    assert.equal(b.ofType("connect")[0]!["hydrationType"], "wipe_all");
    const stored = (await storage.load())!;
    assert.equal(stored.tombstoneHistoryStartsAtClock, snapshot.tombstoneHistoryStartsAtClock);
    assert.equal(stored.documents.some((d) => d.state.id === "shape:0"), false);
  });

  it("a raised maxTombstones serves the same reconnect incrementally", async () => {
    const documents = Array.from(
      { length: 5002 },
      (_, i) => ({ state: geoShape(`shape:${i}`), lastChangedClock: 1 }),
    );
    const storage = new MemoryRoomStorage({
      documentClock: 1,
      tombstoneHistoryStartsAtClock: 0,
      documents,
      schema: serverSchema,
    });
    const h = await makeHarness({ storage, limits: { maxTombstones: 10_000 } });
    const a = await h.connect("a", { lastServerClock: 1 });
    const diff = Object.fromEntries(documents.map((d) => [d.state.id, ["remove"]]));

    await h.send("a", a, { type: "push", clientClock: 1, diff });
    const b = await h.connect("b", { lastServerClock: 1 });

    const reply = b.ofType("connect")[0]!;
    assert.equal(reply["hydrationType"], "wipe_presence");
    assert.equal(Object.keys(reply["diff"] as object).length, 5002);
  });

  it("deletions older than tombstoneMaxAgeMs are forgotten at the next write", async () => {
    const h = await makeHarness({ limits: { tombstoneMaxAgeMs: 60_000 }, clientTimeout: 0 });
    const a = await h.connect("a");
    const put = (id: string) => ({ [id]: ["put", geoShape(id)] });
    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { ...put("shape:1"), ...put("shape:2") },
    });
    await h.send("a", a, { type: "push", clientClock: 2, diff: { "shape:1": ["remove"] } });
    const firstDelete = h.room.getDocumentClock();
    h.time.tick(40_000);
    await h.send("a", a, { type: "push", clientClock: 3, diff: { "shape:2": ["remove"] } });
    const secondDelete = h.room.getDocumentClock();
    h.time.tick(30_000);

    await h.send("a", a, { type: "push", clientClock: 4, diff: put("shape:3") });
    const beforeSecond = await h.connect("b", { lastServerClock: firstDelete });
    const atSecond = await h.connect("c", { lastServerClock: secondDelete });

    const snapshot = h.room.getSnapshot();
    assert.deepEqual(snapshot.tombstones, { "shape:2": secondDelete });
    assert.equal(snapshot.tombstoneHistoryStartsAtClock, secondDelete);
    assert.equal(beforeSecond.ofType("connect")[0]!["hydrationType"], "wipe_all");
    const reply = atSecond.ofType("connect")[0]!;
    assert.equal(reply["hydrationType"], "wipe_presence");
    assert.deepEqual(Object.keys(reply["diff"] as object), ["shape:3"]);
  });

  it("[SS15] a client exactly at the history start is still served incrementally", async () => {
    const storage = new MemoryRoomStorage({
      documentClock: 5,
      tombstoneHistoryStartsAtClock: 3,
      documents: [{ state: geoShape("shape:a"), lastChangedClock: 5 }],
      tombstones: { "shape:gone": 4 },
      schema: serverSchema,
    });
    const room = await Room.load({ roomId: "r", storage, time: new FakeTime() });
    const h = await makeHarness({ storage });

    const atStart = await h.connect("a", { lastServerClock: 3 });
    const before = await h.connect("b", { lastServerClock: 2 });

    assert.equal(room.getDocumentClock(), 5);
    assert.equal(atStart.ofType("connect")[0]!["hydrationType"], "wipe_presence");
    assert.deepEqual(
      (atStart.ofType("connect")[0]!["diff"] as Record<string, unknown>)["shape:gone"],
      ["remove"],
    );
    assert.equal(before.ofType("connect")[0]!["hydrationType"], "wipe_all");
  });
});

describe("tombstone limits", () => {
  it("are RoomLimits: defaults filled, values outside 1..ceiling refused", () => {
    const resolved = resolveRoomLimits({ maxTombstones: 10 });

    assert.equal(resolved.maxTombstones, 10);
    assert.equal(resolved.maxTombstoneBytes, DEFAULT_ROOM_LIMITS.maxTombstoneBytes);
    assert.equal(resolved.tombstoneMaxAgeMs, DEFAULT_ROOM_LIMITS.tombstoneMaxAgeMs);
    for (const key of ["maxTombstones", "maxTombstoneBytes", "tombstoneMaxAgeMs"] as const) {
      for (const bad of [0, 1.5, ROOM_LIMIT_CEILINGS[key] + 1]) {
        assert.throws(() => resolveRoomLimits({ [key]: bad }), RangeError, `${key} ${bad}`);
      }
    }
  });

  it("come from TLSYNC_* env vars; values above the ceiling are clamped with a warning", () => {
    const env: Record<string, string> = {
      TLSYNC_MAX_TOMBSTONES: "20000",
      TLSYNC_MAX_TOMBSTONE_BYTES: "99999999999999",
      TLSYNC_TOMBSTONE_MAX_AGE_MS: "3600000",
    };
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (event: string) => void warnings.push(event) };

    const limits = limitsFromEnv(logger, (name) => env[name]);

    assert.deepEqual(limits, {
      maxTombstones: 20_000,
      maxTombstoneBytes: ROOM_LIMIT_CEILINGS.maxTombstoneBytes,
      tombstoneMaxAgeMs: 3_600_000,
    });
    assert.deepEqual(warnings, ["env_invalid"]);
  });
});
