// Render the bench results as a markdown table with ratios against upstream and the relay, and
// save them: bench/results/latest.md, latest.json ({ meta, results }) and latest-*.svg charts.
import { refRateOf, writeCharts } from "./charts.ts";

type Results = Record<string, Record<string, unknown>>;

function machine(): string {
  let cpu = "unknown cpu";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  return `${cpu}, ${navigator.hardwareConcurrency} cores; Deno ${Deno.version.deno}`;
}

/** [workload, metric, label ("{ref}": the saturation reference rate), which is better]. */
const ROWS: [string, string, string, "higher" | "lower"][] = [
  ["fanout", "ackP50", "fan-out 10×10 @20 Hz, staggered: push→ack p50 (ms)", "lower"],
  ["fanout", "ackP99", "fan-out, staggered: push→ack p99 (ms)", "lower"],
  ["fanout", "fanP50", "fan-out, staggered: push→peer patch p50 (ms)", "lower"],
  ["fanout", "fanP99", "fan-out, staggered: push→peer patch p99 (ms)", "lower"],
  ["fanout", "cpuPct", "fan-out, staggered: server CPU (%)", "lower"],
  ["fanout", "cpuMsPerPush", "fan-out, staggered: server CPU per acknowledged push (ms)", "lower"],
  ["fanout", "rssMiB", "fan-out, staggered: server RSS (MiB)", "lower"],
  ["fanout_burst", "ackP50", "fan-out, bursts: push→ack p50 (ms)", "lower"],
  ["fanout_burst", "ackP99", "fan-out, bursts: push→ack p99 (ms)", "lower"],
  ["fanout_burst", "fanP99", "fan-out, bursts: push→peer patch p99 (ms)", "lower"],
  ["fanout_burst", "cpuPct", "fan-out, bursts: server CPU (%)", "lower"],
  [
    "fanout_burst",
    "cpuMsPerPush",
    "fan-out, bursts: server CPU per acknowledged push (ms)",
    "lower",
  ],
  ["saturation_1x10", "maxPushesPerSec", "max pushes/s, p99<100 ms, 1 room × 10", "higher"],
  ["saturation_1x10", "cpuPctAtRef", "server CPU at {ref} pushes/s, 1 room × 10 (%)", "lower"],
  [
    "saturation_1x10",
    "cpuMsPerPushAtRef",
    "CPU per acked push at {ref}/s, 1 room × 10 (ms)",
    "lower",
  ],
  ["saturation_100x5", "maxPushesPerSec", "max pushes/s, p99<100 ms, 100 rooms × 5", "higher"],
  ["saturation_100x5", "cpuPctAtRef", "server CPU at {ref} pushes/s, 100 rooms × 5 (%)", "lower"],
  ["saturation_100x5", "cpuMsPerPushAtRef", "CPU per acked push at {ref}/s, 100 × 5 (ms)", "lower"],
  ["saturation_100x5_burst", "maxPushesPerSec", "bursts: max pushes/s, 100 rooms × 5", "higher"],
  ["saturation_100x5_burst", "cpuPctAtRef", "bursts: server CPU at {ref}/s, 100 × 5 (%)", "lower"],
  [
    "saturation_100x5_burst",
    "cpuMsPerPushAtRef",
    "bursts: CPU per acked push at {ref}/s, 100 × 5 (ms)",
    "lower",
  ],
  ["large_room", "oneMs", "large room: 1 fresh client full load (ms)", "lower"],
  ["large_room", "twentyMs", "large room: 20 concurrent fresh clients (ms)", "lower"],
  ["large_room", "twentyCpuMs", "large room: server CPU for those 20 loads (ms)", "lower"],
  ["connections", "connectMs", "connections into one room: total connect time (ms)", "lower"],
  ["connections", "perConnKiB", "connections: RSS per connection (KiB)", "lower"],
  ["memory", "perRoomKiB", "memory per room with 50 shapes (KiB)", "lower"],
  ["memory", "afterMiB", "RSS after rooms empty (MiB)", "lower"],
];

/** The ratio columns: [heading, ours, other]. */
const RATIOS: [string, string, string][] = [
  ["Deno: ours-kv vs upstream", "ours-deno-kv", "upstream-deno"],
  ["Bun: ours-kv vs upstream", "ours-bun-kv", "upstream-bun"],
  ["Deno: ours-kv vs upstream-durable", "ours-deno-kv", "upstream-durable-deno"],
  ["Bun: ours-kv vs upstream-durable", "ours-bun-kv", "upstream-durable-bun"],
  ["ours-deno-kv vs relay", "ours-deno-kv", "relay-deno"],
];

/** A table cell: whole numbers from 100, one decimal from 1, three below (CPU ms per push). */
export function formatCell(v: number): string {
  if (Math.abs(v) >= 100) return String(Math.round(v));
  if (Math.abs(v) >= 1) return String(Math.round(v * 10) / 10);
  return String(Math.round(v * 1000) / 1000);
}

function value(
  r: Record<string, unknown> | undefined,
  group: string,
  key: string,
): number | undefined {
  const g = r?.[group] as Record<string, unknown> | undefined;
  const v = g?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

interface RunMeta {
  quick: boolean;
  seconds: number;
  taskset: boolean;
}

/** Write latest.md, latest.json and the SVG charts under bench/results/; returns the paths. */
export function saveResults(results: Results, meta: RunMeta): string[] {
  const dir = new URL("./results/", import.meta.url);
  Deno.mkdirSync(dir, { recursive: true });
  const md = new URL("latest.md", dir);
  const json = new URL("latest.json", dir);
  Deno.writeTextFileSync(md, renderReport(results, meta));
  const date = new Date().toISOString().slice(0, 10);
  const pinning = meta.taskset ? "servers on core 0, load generator on core 1 (taskset)" : "none";
  const header = { date, machine: machine(), pinning, ...meta };
  Deno.writeTextFileSync(json, JSON.stringify({ meta: header, results }, null, 2) + "\n");
  return [md.pathname, json.pathname, ...writeCharts(json.pathname)];
}

export function renderReport(results: Results, meta: RunMeta): string {
  const names = Object.keys(results);
  const ref = refRateOf(results);
  const lines = [
    `Machine: ${machine()}. ${
      meta.taskset ? "Servers pinned to core 0, load generator to core 1." : "No pinning."
    } ${meta.quick ? "Quick run." : ""}`,
    "",
    `| metric | ${names.join(" | ")} | ${RATIOS.map(([h]) => h).join(" | ")} |`,
    `|---|${names.map(() => "---:").join("|")}|${RATIOS.map(() => "---:").join("|")}|`,
  ];
  for (const [group, key, label, better] of ROWS) {
    const cells = names.map((n) => {
      const v = value(results[n], group, key);
      return v === undefined ? "–" : formatCell(v);
    });
    const ratio = (mine: string, other: string) => {
      const ours = value(results[mine], group, key);
      const o = value(results[other], group, key);
      if (ours === undefined || o === undefined || ours === 0 || o === 0) return "–";
      const r = better === "higher" ? ours / o : o / ours;
      return `${Math.round(r * 100) / 100}× ${r >= 1 ? "better" : "worse"}`;
    };
    const ratios = RATIOS.map(([, mine, other]) => ratio(mine, other));
    lines.push(`| ${label.replace("{ref}", ref)} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}
