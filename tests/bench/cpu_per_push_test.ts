// Server CPU from /proc/<pid>/stat, and its cost per acknowledged push.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cpuMsPerPush, cpuSecondsFromStat } from "../../bench/load/cpu_per_push.ts";

/** A /proc/<pid>/stat line with `utime` and `stime` ticks and a command name. */
function statLine(comm: string, utime: number, stime: number): string {
  const after = ["S", 1, 2, 3, 0, -1, 4194560, 100, 0, 0, 0, utime, stime, 0, 0, 20, 0, 9];
  return `4242 (${comm}) ${after.join(" ")}`;
}

describe("bench CPU per push", () => {
  it("adds user and system ticks at 100 per second", () => {
    assert.equal(cpuSecondsFromStat(statLine("deno", 250, 50)), 3);
  });

  it("reads a command name holding spaces and parentheses", () => {
    assert.equal(cpuSecondsFromStat(statLine("a) b (c", 7, 3)), 0.1);
  });

  it("divides CPU ms by acknowledged pushes", () => {
    assert.equal(cpuMsPerPush(1.5, 10_000), 0.15);
    assert.equal(cpuMsPerPush(0.37, 2000), 0.185);
    assert.equal(cpuMsPerPush(2, 3), 666.667);
  });

  it("is NaN when nothing was acknowledged or CPU is unknown", () => {
    assert.ok(Number.isNaN(cpuMsPerPush(1, 0)));
    assert.ok(Number.isNaN(cpuMsPerPush(NaN, 10)));
  });
});
