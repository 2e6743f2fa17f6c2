// SVG charts from a bench results file: ours next to upstream TLSocketRoom (in memory and
// durable) for each runtime.
//
//   deno run -A bench/charts.ts bench/results/2026-11-28.json
//
// writes bench/results/2026-11-28-<chart>.svg next to the JSON (after `deno task bench`, run.ts
// does the same for latest.json). The JSON is `{ meta, results }` as written by run.ts (a bare
// results object is accepted too): results[target][workload][metric] = number.
import { type BarChart, type BarSeries, renderBarChart } from "./svg_bar_chart.ts";

type Results = Record<string, Record<string, unknown>>;

/** Targets in drawing order (ours beside upstream per runtime), with label and colour. */
const TARGETS: [name: string, label: string, color: string][] = [
  ["ours-deno-kv", "ours · Deno + KV file", "#1d4ed8"],
  ["upstream-deno", "upstream · Deno (memory)", "#ea580c"],
  ["upstream-durable-deno", "upstream · Deno + SQLite file", "#dc2626"],
  ["ours-bun-kv", "ours · Bun + KV file", "#0e9f6e"],
  ["upstream-bun", "upstream · Bun (memory)", "#a16207"],
  ["upstream-durable-bun", "upstream · Bun + SQLite file", "#7c3aed"],
  ["ours-deno-mem", "ours · Deno + KV in memory", "#93c5fd"],
  ["relay-deno", "bare relay · Deno (no sync)", "#9ca3af"],
];

interface ChartSpec {
  file: string;
  title: string;
  subtitle: string;
  /** [workload, metric, group label] per group. */
  groups: [string, string, string][];
}

const CHARTS: ChartSpec[] = [
  {
    file: "fanout-latency",
    title: "Fan-out latency: 10 rooms × 10 clients, each pushing at 20 Hz",
    subtitle: "milliseconds, lower is better; staggered: each client at its own phase of the tick",
    groups: [
      ["fanout", "ackP50", "push → ack, p50"],
      ["fanout", "fanP99", "push → peer patch, p99"],
    ],
  },
  {
    file: "fanout-burst-latency",
    title: "Fan-out latency in bursts: all 100 clients push at the same instant, 20 times a second",
    subtitle: "milliseconds, lower is better",
    groups: [
      ["fanout_burst", "ackP50", "push → ack, p50"],
      ["fanout_burst", "fanP99", "push → peer patch, p99"],
    ],
  },
  {
    file: "cpu-per-push",
    title: "Server CPU per acknowledged push",
    subtitle: "milliseconds of server CPU (user + system), lower is better",
    groups: [
      ["fanout", "cpuMsPerPush", "fan-out, staggered"],
      ["fanout_burst", "cpuMsPerPush", "fan-out, bursts"],
      ["saturation_1x10", "cpuMsPerPushAtRef", "1 room × 10 at {ref}/s"],
      ["saturation_100x5", "cpuMsPerPushAtRef", "100 rooms × 5 at {ref}/s"],
    ],
  },
  {
    file: "sustained-pushes",
    title: "Sustained pushes per second with p99 under 100 ms",
    subtitle: "pushes/s, higher is better (the 1 room × 10 row is bounded by the load generator)",
    groups: [
      ["saturation_1x10", "maxPushesPerSec", "1 room × 10 clients"],
      ["saturation_100x5", "maxPushesPerSec", "100 rooms × 5 clients"],
      ["saturation_100x5_burst", "maxPushesPerSec", "100 rooms × 5, bursts"],
    ],
  },
  {
    file: "large-room",
    title: "Loading a 10,000-shape room (about 6 MB of JSON)",
    subtitle: "milliseconds until full state, lower is better",
    groups: [
      ["large_room", "oneMs", "1 fresh client"],
      ["large_room", "twentyMs", "20 concurrent fresh clients"],
    ],
  },
  {
    file: "memory",
    title: "Memory: server RSS growth",
    subtitle: "KiB, lower is better (1,000 rooms × 50 shapes; 1,000 clients in one room)",
    groups: [
      ["memory", "perRoomKiB", "per room"],
      ["connections", "perConnKiB", "per connection"],
    ],
  },
];

function metric(results: Results, target: string, workload: string, key: string) {
  const w = results[target]?.[workload] as Record<string, unknown> | undefined;
  const v = w?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The saturation reference rate of a run ("8,000"), as printed in labels ("{ref}"). */
export function refRateOf(results: Results): string {
  for (const r of Object.values(results)) {
    for (const w of ["saturation_100x5", "saturation_1x10"]) {
      const v = metric({ r }, "r", w, "refRate");
      if (v !== undefined) return v.toLocaleString("en-US");
    }
  }
  return "the reference rate";
}

/** The charts for `results`, keyed by file stem; targets with no value in a chart are left out. */
export function buildCharts(results: Results, note = ""): Map<string, BarChart> {
  const charts = new Map<string, BarChart>();
  const ref = refRateOf(results);
  for (const spec of CHARTS) {
    const series: BarSeries[] = TARGETS.map(([name, label, color]) => ({
      name: label,
      color,
      values: spec.groups.map(([w, k]) => metric(results, name, w, k)),
    })).filter((s) => s.values.some((v) => v !== undefined));
    if (series.length === 0) continue;
    charts.set(spec.file, {
      title: spec.title,
      subtitle: note ? `${spec.subtitle} · ${note}` : spec.subtitle,
      groups: spec.groups.map(([, , label]) => label.replace("{ref}", ref)),
      series,
    });
  }
  return charts;
}

/** Write `<stem>-<chart>.svg` next to the results JSON at `jsonPath`; returns the files written. */
export function writeCharts(jsonPath: string): string[] {
  const parsed = JSON.parse(Deno.readTextFileSync(jsonPath));
  const results: Results = parsed.results ?? parsed;
  const meta = parsed.meta as { date?: string; quick?: boolean } | undefined;
  const note = [meta?.date, meta?.quick ? "quick run" : ""].filter(Boolean).join(", ");
  const stem = jsonPath.replace(/\.json$/, "");
  const written: string[] = [];
  for (const [file, chart] of buildCharts(results, note)) {
    const out = `${stem}-${file}.svg`;
    Deno.writeTextFileSync(out, renderBarChart(chart));
    written.push(out);
  }
  return written;
}

if (import.meta.main) {
  const path = Deno.args[0] ?? "bench/results/latest.json";
  for (const file of writeCharts(path)) console.log(file);
}
