// Prometheus text exposition format 0.0.4: escaping, values, and each metric type's lines.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  renderMetrics,
} from "../../src/metrics/exposition.ts";
import { MetricsRegistry } from "../../src/metrics/metrics_registry.ts";
import { parseExposition } from "../helpers/admin_fetch.ts";

describe("exposition format", () => {
  it("escapeLabelValue() escapes backslash, double quote and line feed", () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  });

  it("escapeHelp() escapes backslash and line feed but not quotes", () => {
    assert.equal(escapeHelp('say "hi"\\\n'), 'say "hi"\\\\\\n');
  });

  it("formatValue() writes +Inf, -Inf and NaN the Prometheus way", () => {
    assert.deepEqual([Infinity, -Infinity, NaN, 1.5, 0].map(formatValue), [
      "+Inf",
      "-Inf",
      "NaN",
      "1.5",
      "0",
    ]);
  });

  it("renderMetrics() of nothing is empty; otherwise every line ends with a newline", () => {
    const registry = new MetricsRegistry();
    registry.gauge("g", "A gauge").set(2);

    assert.equal(renderMetrics([]), "");
    assert.equal(registry.render(), "# HELP g A gauge\n# TYPE g gauge\ng 2\n");
  });

  it("a counter renders HELP, TYPE and one line per label set, escaped", () => {
    const registry = new MetricsRegistry();
    const c = registry.counter("x_total", "Things\nhappened", { labelNames: ["reason"] });

    c.inc({ reason: 'a"b' });
    c.inc({ reason: 'a"b' }, 2);
    c.inc({ reason: "plain" });

    assert.equal(
      registry.render(),
      [
        "# HELP x_total Things\\nhappened",
        "# TYPE x_total counter",
        'x_total{reason="a\\"b"} 3',
        'x_total{reason="plain"} 1',
        "",
      ].join("\n"),
    );
  });

  it("an unlabelled counter shows 0 before its first increment", () => {
    const registry = new MetricsRegistry();
    registry.counter("n_total", "N");

    assert.match(registry.render(), /^n_total 0$/m);
  });

  it("a histogram renders cumulative buckets, +Inf, _sum and _count", () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram("d_seconds", "Durations", [0.1, 1]);

    h.observe(0.05);
    h.observe(0.5);
    h.observe(0.1);
    h.observe(3);

    const lines = registry.render().split("\n").filter((l) => !l.startsWith("#") && l);
    assert.deepEqual(lines, [
      'd_seconds_bucket{le="0.1"} 2',
      'd_seconds_bucket{le="1"} 3',
      'd_seconds_bucket{le="+Inf"} 4',
      "d_seconds_sum 3.65",
      "d_seconds_count 4",
    ]);
  });

  it("rendered text round-trips through a strict parser", () => {
    const registry = new MetricsRegistry();
    registry.counter("weird_total", "W", { labelNames: ["l"] }).inc({ l: 'q"\\\n,}' });
    registry.histogram("h_seconds", "H").observe(0.2);

    const parsed = parseExposition(registry.render());

    assert.equal(parsed.types.get("weird_total"), "counter");
    assert.equal(parsed.types.get("h_seconds"), "histogram");
    assert.deepEqual(parsed.samples[0], {
      name: "weird_total",
      labels: { l: 'q"\\\n,}' },
      value: 1,
    });
  });
});
