// The metric types and registry: validation, limits and gauge collection.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Counter } from "../../src/metrics/counter.ts";
import { Gauge } from "../../src/metrics/gauge.ts";
import { Histogram } from "../../src/metrics/histogram.ts";
import { MetricsRegistry } from "../../src/metrics/metrics_registry.ts";
import { SyncMetrics } from "../../src/metrics/sync_metrics.ts";

describe("metrics registry", () => {
  it("register() throws TypeError for a duplicate or invalid name", () => {
    const registry = new MetricsRegistry();
    registry.counter("a_total", "A");

    assert.throws(() => registry.counter("a_total", "again"), TypeError);
    assert.throws(() => registry.gauge("bad-name", "B"), TypeError);
    assert.throws(() => registry.counter("c_total", "C", { labelNames: ["__x"] }), TypeError);
  });

  it("Counter.inc() throws RangeError for a negative amount", () => {
    const c = new Counter("c_total", "C");

    assert.throws(() => c.inc({}, -1), RangeError);
    assert.equal(c.get(), 0);
  });

  it("a counter keeps at most maxSeries label sets and folds the rest into other", () => {
    const c = new Counter("r_total", "R", { labelNames: ["reason"], maxSeries: 2 });

    c.inc({ reason: "a" });
    c.inc({ reason: "b" });
    c.inc({ reason: "c" });
    c.inc({ reason: "d" });
    c.inc({ reason: "a" });

    assert.equal(c.get({ reason: "a" }), 2);
    assert.equal(c.get({ reason: "other" }), 2);
    assert.equal(c.samples().length, 3);
  });

  it("a counter keys series by every label name, missing names as empty", () => {
    const c = new Counter("m_total", "M", { labelNames: ["kind", "code"] });
    const plain = new Counter("p_total", "P");

    c.inc({ kind: "a", code: "1" });
    c.inc({ code: "1", kind: "a", extra: "ignored" }, 2);
    c.inc({ kind: "a" });
    c.inc({ kind: "a\u0000", code: "" }, 5);
    plain.inc();
    plain.inc({ ignored: "x" }, 4);

    assert.equal(c.get({ kind: "a", code: "1" }), 3);
    assert.equal(c.get({ kind: "a", code: "" }), 1);
    assert.deepEqual(c.samples().map((s) => s.labels), [
      { kind: "a", code: "1" },
      { kind: "a", code: "" },
      { kind: "a\u0000", code: "" },
    ]);
    assert.equal(plain.get(), 5);
    assert.deepEqual(plain.samples(), [{ labels: {}, value: 5 }]);
  });

  it("Histogram rejects unsorted or infinite buckets", () => {
    assert.throws(() => new Histogram("h", "H", [1, 0.5]), RangeError);
    assert.throws(() => new Histogram("h", "H", [1, Infinity]), RangeError);
    assert.throws(() => new Histogram("h", "H", []), RangeError);
  });

  it("a Gauge with collect reads its value at scrape time", () => {
    let value = 1;
    const g = new Gauge("g", "G", { collect: () => value });

    value = 7;

    assert.deepEqual(g.samples(), [{ labels: {}, value: 7 }]);
  });

  it("SyncMetrics sums tracked servers into the gauges until untracked", () => {
    const metrics = new SyncMetrics();
    const untrack = metrics.track(() => ({ rooms: 2, sessions: 5 }));
    metrics.track(() => ({ rooms: 1, sessions: 1 }));

    const before = [metrics.roomsLive.get(), metrics.sessions.get()];
    untrack();

    assert.deepEqual(before, [3, 6]);
    assert.deepEqual([metrics.roomsLive.get(), metrics.sessions.get()], [1, 1]);
  });

  it("SyncMetrics shows every known 4099 reason at 0", () => {
    const text = new SyncMetrics().render();

    assert.match(text, /^tlsync_rejected_total\{reason="MESSAGE_TOO_LARGE"\} 0$/m);
    assert.match(text, /^tlsync_rejected_total\{reason="RATE_LIMITED"\} 0$/m);
  });
});
