// History retention on injected time: commits older than the full window thin to hourly, then
// daily checkpoints; nothing past retention but the newest point; the byte budget moves the
// base forward. Every point left reads back exactly as the room was at that clock.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Room } from "../../src/room/room.ts";
import type { HistoryPolicy } from "../../src/storage/history_policy.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { geoShape } from "../helpers/records.ts";
import { assertReadsBack, canon } from "./_history_helpers.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function harness(policy: HistoryPolicy) {
  const time = new FakeTime(Date.UTC(2026, 0, 1));
  const provider = new MemoryStorageProvider({ time, history: { passDelayMs: HOUR, ...policy } });
  const room = await Room.load({ roomId: "r", storage: await provider.openRoom("r"), time });
  const states = new Map<number, string>();
  const history = (await provider.history("r"))!;
  return {
    time,
    provider,
    room,
    history,
    states,
    async edit(i: number, text = ""): Promise<void> {
      await room.updateStore((s) => s.put(geoShape(`shape:${i % 5}`, i, i, { meta: { text } })));
      states.set(room.getDocumentClock(), canon(room.getSnapshot()));
    },
    async pruneAll(): Promise<void> {
      for (let i = 0; i < 100 && (await provider.pruneHistory("r")); i++);
    },
  };
}

describe("history retention", () => {
  it("keeps every commit of the full window and one checkpoint per hour before it", async () => {
    const h = await harness({});
    for (let i = 0; i < 180; i++) { // every 10 minutes for 30 hours
      await h.edit(i);
      h.time.tick(10 * MIN);
    }
    await h.pruneAll();
    const now = h.time.now();
    const { points } = await h.history.points();
    const recent = [...h.states.keys()].filter((c) =>
      c > points.find((p) => now - p.time < DAY)!.clock - 1
    );
    const old = points.filter((p) => now - p.time >= DAY);
    assert.ok(old.length >= 5 && old.length <= 7, `old points: ${old.length}`);
    for (const p of old) assert.equal(p.kind, "checkpoint");
    const hours = old.map((p) => Math.floor(p.time / HOUR));
    assert.equal(new Set(hours).size, hours.length, "one checkpoint per hour");
    const young = points.filter((p) => now - p.time < DAY);
    assert.deepEqual(young.map((p) => p.clock), recent, "every commit of the window");
    for (const p of young) assert.equal(p.kind, "commit");
    await assertReadsBack(h.history, h.states);
  });

  it("thins to one checkpoint per day after hourlyMs and drops what is past retention", async () => {
    const h = await harness({ fullMs: HOUR, hourlyMs: 6 * HOUR, retentionMs: 2 * DAY });
    for (let i = 0; i < 144; i++) { // every 30 minutes for 72 hours
      await h.edit(i);
      h.time.tick(30 * MIN);
    }
    await h.pruneAll();
    const now = h.time.now();
    const { points } = await h.history.points();
    assert.ok(points.every((p) => now - p.time <= 2 * DAY), "nothing past retention");
    const daily = points.filter((p) => now - p.time >= 6 * HOUR).map((p) =>
      Math.floor(p.time / DAY)
    );
    assert.equal(new Set(daily).size, daily.length, "one per day");
    const hourly = points.filter((p) => now - p.time >= HOUR && now - p.time < 6 * HOUR);
    assert.ok(hourly.length >= 4 && hourly.length <= 6, `hourly: ${hourly.length}`);
    assert.equal(points.at(-1)!.clock, h.room.getDocumentClock());
    await assertReadsBack(h.history, h.states);
  });

  it("an idle room past retention keeps its newest point, and later commits build on it", async () => {
    const h = await harness({ fullMs: HOUR, retentionMs: DAY });
    for (let i = 0; i < 5; i++) await h.edit(i);
    h.time.tick(40 * DAY);
    await h.pruneAll();
    let { points } = await h.history.points();
    assert.deepEqual(points.map((p) => [p.clock, p.kind]), [[
      h.room.getDocumentClock(),
      "checkpoint",
    ]]);
    await h.edit(7);
    await h.edit(8);
    ({ points } = await h.history.points());
    assert.equal(points.length, 3);
    await assertReadsBack(h.history, h.states);
  });

  it("stays within the byte budget by moving the history base forward", async () => {
    const maxBytes = 40_000;
    const h = await harness({ maxBytes });
    for (let i = 0; i < 120; i++) await h.edit(i, "x".repeat(1000));
    await h.pruneAll();
    const { points } = await h.history.points();
    const total = points.reduce((n, p) => n + p.bytes, 0);
    assert.ok(total <= maxBytes, `${total} bytes kept`);
    assert.ok(points.length > 5, `${points.length} points kept`);
    assert.equal(points.at(-1)!.clock, h.room.getDocumentClock());
    assert.equal(points[0]!.kind, "checkpoint");
    await assertReadsBack(h.history, h.states);
  });

  it("a commit schedules a background pass on the injected clock", async () => {
    const h = await harness({ fullMs: HOUR, passDelayMs: 1000 });
    for (let i = 0; i < 10; i++) {
      await h.edit(i);
      h.time.tick(10 * MIN);
    }
    h.time.tick(2 * HOUR); // the pass scheduled by the first commit ran at +1 s and found nothing old
    await h.edit(11); // schedules the next pass
    h.time.tick(1000);
    for (let i = 0; i < 200; i++) {
      const { points } = await h.history.points();
      if (points[0]?.kind === "checkpoint") break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const { points } = await h.history.points();
    assert.equal(points[0]!.kind, "checkpoint");
    await assertReadsBack(h.history, h.states);
  });
});
