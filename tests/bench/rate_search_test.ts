// The saturation search: ramp, then bisection between the last passing and first failing rate.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { searchMaxRate } from "../../bench/load/rate_search.ts";

/** A target that passes every rate up to `limit`. */
const upTo = (limit: number) => (rate: number) => Promise.resolve(rate <= limit);

describe("bench rate search", () => {
  it("converges to within 10% below the true limit in bounded steps", async () => {
    for (const limit of [300, 777, 5000, 8000, 13_337, 40_000, 63_999]) {
      const r = await searchMaxRate(upTo(limit), { start: 250, max: 64_000, maxSteps: 14 });
      assert.ok(r.best <= limit, `${limit}: best ${r.best} passes`);
      assert.ok(r.failedAt! > limit, `${limit}: failedAt ${r.failedAt} fails`);
      assert.ok(r.failedAt! / r.best <= 1.1, `${limit}: ${r.best}..${r.failedAt} within 10%`);
      assert.ok(r.tried.length <= 13, `${limit}: ${r.tried.length} steps`);
    }
  });

  it("stops at max when every rate passes", async () => {
    const r = await searchMaxRate(upTo(Infinity), { start: 250, max: 1000 });
    assert.deepEqual(r.tried, [250, 500, 1000]);
    assert.equal(r.best, 1000);
    assert.equal(r.failedAt, undefined);
  });

  it("halves from a failing start", async () => {
    const r = await searchMaxRate(upTo(100), { start: 250, max: 1000 });
    assert.ok(r.best <= 100 && r.failedAt! / r.best <= 1.1);
    assert.deepEqual(r.tried.slice(0, 3), [250, 125, 62]);
  });

  it("reports 0 when nothing passes, and never exceeds maxSteps", async () => {
    const none = await searchMaxRate(upTo(0), { start: 250, max: 1000, min: 30 });
    assert.equal(none.best, 0);
    assert.deepEqual(none.tried, [250, 125, 62, 31]);
    const capped = await searchMaxRate(upTo(5000), { start: 250, max: 64_000, maxSteps: 4 });
    assert.deepEqual(capped.tried, [250, 500, 1000, 2000]);
    assert.equal(capped.best, 2000);
  });
});
