// The bench's SVG charts: which targets and numbers they show, in which order, and bar geometry.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildCharts } from "../../bench/charts.ts";
import {
  axisDivisions,
  formatValue,
  labelFontSize,
  niceMax,
  renderBarChart,
} from "../../bench/svg_bar_chart.ts";

const results = {
  "ours-deno-kv": { fanout: { ackP50: 31.5, fanP99: 70.5 }, memory: { perRoomKiB: 157 } },
  "upstream-deno": { fanout: { ackP50: 24.9, fanP99: 74.9 } },
  "relay-deno": { fanout: { fanP99: 19.5 }, large_room: "n/a" },
  "ours-bun-kv": { fanout: { error: "failed to start" } },
};

/** Every bar of a rendered chart: [height, series label, value]. */
function barsOf(svg: string): [number, string][] {
  const out: [number, string][] = [];
  for (const m of svg.matchAll(/height="([\d.]+)" fill="[^"]+"><title>([^<]+)<\/title>/g)) {
    out.push([Number(m[1]), m[2]!]);
  }
  return out;
}

describe("bench charts", () => {
  it("puts ours next to upstream, skips targets without numbers, keeps missing values empty", () => {
    const fanout = buildCharts(results).get("fanout-latency")!;
    assert.deepEqual(fanout.groups, ["push → ack, p50", "push → peer patch, p99"]);
    assert.deepEqual(
      fanout.series.map((s) => [s.name, s.values]),
      [
        ["ours · Deno + KV file", [31.5, 70.5]],
        ["upstream · Deno (memory)", [24.9, 74.9]],
        ["bare relay · Deno (no sync)", [undefined, 19.5]],
      ],
    );
  });

  it("draws CPU per push with the saturation reference rate in its labels", () => {
    const chart = buildCharts({
      "upstream-durable-deno": {
        fanout: { cpuMsPerPush: 0.21 },
        saturation_100x5: { refRate: 8000, cpuMsPerPushAtRef: 0.12 },
      },
    }).get("cpu-per-push")!;
    assert.equal(chart.groups[3], "100 rooms × 5 at 8,000/s");
    assert.deepEqual(chart.series.map((s) => [s.name, s.values]), [
      ["upstream · Deno + SQLite file", [0.21, undefined, undefined, 0.12]],
    ]);
  });

  it("leaves out a chart with no numbers at all", () => {
    const charts = buildCharts(results);
    assert.equal(charts.has("large-room"), false);
    assert.equal(charts.has("sustained-pushes"), false);
    assert.deepEqual(charts.get("memory")!.series.map((s) => s.values), [[157, undefined]]);
  });

  it("draws one bar per value, heights proportional to the values", () => {
    const svg = renderBarChart(buildCharts(results).get("fanout-latency")!);
    const bars = barsOf(svg);
    assert.equal(bars.length, 5);
    const [ack] = bars[0]!;
    const [peer] = bars.find(([, t]) => t.endsWith(": 70.5"))!;
    assert.ok(Math.abs(peer / ack - 70.5 / 31.5) < 0.01);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.includes(">70.5</text>"));
  });

  it("escapes text", () => {
    const svg = renderBarChart({
      title: "a < b & c",
      subtitle: '"q"',
      groups: ["g"],
      series: [{ name: "<x>", color: "#000", values: [1] }],
    });
    assert.ok(svg.includes("a &lt; b &amp; c"));
    assert.ok(svg.includes("&quot;q&quot;"));
    assert.ok(!svg.includes("<x>"));
  });

  it("rounds the axis up and formats values", () => {
    assert.equal(niceMax(237), 300);
    assert.equal(niceMax(48_000), 60_000);
    assert.equal(niceMax(0), 1);
    assert.deepEqual([150, 300, 60_000, 2500, 200, 10].map(axisDivisions), [3, 3, 3, 5, 4, 5]);
    assert.equal(formatValue(32_000), "32k");
    assert.equal(formatValue(1994), "1,994");
    assert.equal(formatValue(1999.6), "2,000");
    assert.equal(formatValue(25_615), "25,615");
    assert.equal(formatValue(31.5), "31.5");
    assert.equal(formatValue(0.1849), "0.18");
    assert.equal(labelFontSize("31.5", 60), 10);
    assert.ok(labelFontSize("1,000", 24) < 10);
    assert.equal(labelFontSize("1,000,000", 4), 7);
    assert.equal(formatValue(0.15000000000000002), "0.15");
  });
});
