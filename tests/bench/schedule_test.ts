// The bench's open-loop send schedules: staggered phases spread evenly, bursts all at once, and
// the driver sends every due push in order without waiting for anything but its clock.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Clock, nthSend, phaseOffsets, runOpenLoop } from "../../bench/load/schedule.ts";

/** A clock that moves only when slept on. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

describe("bench schedule", () => {
  it("staggers client i of n at i/n of the period", () => {
    assert.deepEqual(phaseOffsets("staggered", 4, 50), [0, 12.5, 25, 37.5]);
    const offsets = phaseOffsets("staggered", 100, 50);
    const gaps = offsets.slice(1).map((o, i) => o - offsets[i]!);
    assert.ok(gaps.every((g) => Math.abs(g - 0.5) < 1e-9));
    assert.ok(offsets.at(-1)! < 50);
  });

  it("sends every burst client at the start of the period", () => {
    assert.deepEqual(phaseOffsets("burst", 3, 50), [0, 0, 0]);
    const plan = { schedule: "burst", clients: 3, periodMs: 50 } as const;
    assert.deepEqual([0, 1, 2, 3].map((j) => nthSend(plan, j).atMs), [0, 0, 0, 50]);
  });

  it("numbers sends client by client, period by period", () => {
    const plan = { schedule: "staggered", clients: 2, periodMs: 100 } as const;
    const sends = [0, 1, 2, 3, 4].map((j) => nthSend(plan, j));
    assert.deepEqual(sends, [
      { client: 0, atMs: 0 },
      { client: 1, atMs: 50 },
      { client: 0, atMs: 100 },
      { client: 1, atMs: 150 },
      { client: 0, atMs: 200 },
    ]);
  });

  it("runs open loop: each client once per period, every send at or after its time", async () => {
    const clock = fakeClock();
    const start = clock.now();
    const log: [number, number][] = [];
    const plan = { schedule: "staggered", clients: 4, periodMs: 20 } as const;
    const sent = await runOpenLoop(plan, 100, (c) => log.push([c, clock.now()]), clock);
    assert.equal(sent, 20);
    assert.equal(log.length, 20);
    assert.ok(clock.now() - start >= 100, "returns at the end of the duration");
    for (let c = 0; c < 4; c++) assert.equal(log.filter(([k]) => k === c).length, 5);
    log.forEach(([c, at], j) => {
      assert.equal(c, j % 4);
      assert.ok(at - start >= nthSend(plan, j).atMs);
    });
  });

  it("sends a rate as ticks of rate × tick sends: even when staggered, at once in bursts", () => {
    // 1,000/s in 50 ms ticks over 500 clients: 50 sends a tick, clients in turn.
    const tick = { clients: 500, periodMs: 50, perPeriod: 50 };
    const staggered = [0, 1, 49, 50].map((j) => nthSend({ ...tick, schedule: "staggered" }, j));
    assert.deepEqual(staggered.map((s) => s.atMs), [0, 1, 49, 50]);
    const burst = [0, 1, 49, 50, 99, 100].map((j) => nthSend({ ...tick, schedule: "burst" }, j));
    assert.deepEqual(burst.map((s) => s.atMs), [0, 0, 0, 50, 50, 100]);
    assert.deepEqual(burst.map((s) => s.client), [0, 1, 49, 50, 99, 100]);
    assert.equal(nthSend({ ...tick, schedule: "burst" }, 500).client, 0);
    // A fractional count per tick (250/s: 12.5): bursts of 13 and 12 alternate.
    const frac = { schedule: "burst", clients: 500, periodMs: 50, perPeriod: 12.5 } as const;
    const perTick = [0, 50, 100].map((t) =>
      Array.from({ length: 60 }, (_, j) => nthSend(frac, j).atMs).filter((a) => a === t).length
    );
    assert.deepEqual(perTick, [13, 12, 13]);
  });

  it("waits out the duration after the last send", async () => {
    const clock = fakeClock();
    const start = clock.now();
    const plan = { schedule: "burst", clients: 5, periodMs: 500 } as const;
    const sent = await runOpenLoop(plan, 300, () => {}, clock);
    assert.equal(sent, 5);
    assert.equal(clock.now() - start, 300);
  });

  it("sends late pushes at once instead of skipping them", async () => {
    const clock = fakeClock();
    let calls = 0;
    const slow: Clock = { now: clock.now, sleep: (ms) => clock.sleep(ms + 45) };
    const sent = await runOpenLoop({ schedule: "burst", clients: 3, periodMs: 10 }, 60, () => {
      calls++;
    }, slow);
    assert.equal(sent, 18);
    assert.equal(calls, 18);
  });
});
