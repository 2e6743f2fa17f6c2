// The commit ticker (src/room/commit_ticker.ts): starts at the end of the task when idle; under
// load, starts wait for the period and run together in one batch.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CommitTicker } from "../../src/room/commit_ticker.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";

const microtasks = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

describe("CommitTicker", () => {
  it("starts at the end of the task when idle, then at most one batch per period", async () => {
    const time = new FakeTime();
    const ticker = new CommitTicker(time, 6);
    const ran: string[] = [];
    const timers = time.pending;
    ticker.schedule(() => ran.push("a"));
    assert.equal(ran.length, 0, "not in the scheduling call itself");
    await microtasks();
    assert.deepEqual(ran, ["a"], "idle: the same task");
    assert.equal(time.pending, timers, "no timer when idle");

    time.tick(2);
    ticker.schedule(() => ran.push("b"));
    ticker.schedule(() => ran.push("c"));
    await microtasks();
    assert.deepEqual(ran, ["a"], "under load: waits for the period");
    assert.equal(time.pending, timers + 1, "one timer for the batch");
    time.tick(3);
    assert.deepEqual(ran, ["a"]);
    time.tick(1);
    assert.deepEqual(ran, ["a", "b", "c"], "the batch runs together when the period ends");

    time.tick(6);
    ticker.schedule(() => ran.push("d"));
    await microtasks();
    assert.deepEqual(ran, ["a", "b", "c", "d"], "idle again after a quiet period");
  });

  it("a start that throws does not keep the rest of its batch from starting", async () => {
    const time = new FakeTime();
    const ticker = new CommitTicker(time, 6);
    const ran: string[] = [];
    ticker.schedule(() => ran.push("a"));
    await microtasks();
    ticker.schedule(() => {
      throw new Error("boom");
    });
    ticker.schedule(() => ran.push("c"));
    assert.throws(() => time.tick(6), /boom/);
    assert.deepEqual(ran, ["a", "c"]);
  });
});
