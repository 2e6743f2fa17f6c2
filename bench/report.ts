// Render the bench results as a markdown table with ratios against upstream and the relay, and
// save them: bench/results/latest.md, latest.json ({ meta, results }) and latest-*.svg charts.
import { writeCharts } from "./charts.ts";

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

const ROWS: [string, string, string, "higher" | "lower"][] = [
  ["fanout", "ackP50", "fan-out 10×10 @20 Hz: push→ack p50 (ms)", "lower"],
  ["fanout", "ackP99", "fan-out: push→ack p99 (ms)", "lower"],
  ["fanout", "fanP50", "fan-out: push→peer patch p50 (ms)", "lower"],
  ["fanout", "fanP99", "fan-out: push→peer patch p99 (ms)", "lower"],
  ["fanout", "cpuPct", "fan-out: server CPU (%)", "lower"],
  ["fanout", "rssMiB", "fan-out: server RSS (MiB)", "lower"],
  ["saturation_1x10", "maxPushesPerSec", "max pushes/s, p99<100 ms, 1 room × 10", "higher"],
  ["saturation_1x10", "cpuPctAt8000", "server CPU at 8,000 pushes/s, 1 room × 10 (%)", "lower"],
  ["saturation_100x5", "maxPushesPerSec", "max pushes/s, p99<100 ms, 100 rooms × 5", "higher"],
  ["saturation_100x5", "cpuPctAt8000", "server CPU at 8,000 pushes/s, 100 rooms × 5 (%)", "lower"],
  [
    "saturation_100x5",
    "cpuUsPerPush",
    "server CPU per push at max rate, 100 rooms × 5 (µs)",
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
  const lines = [
    `Machine: ${machine()}. ${
      meta.taskset ? "Servers pinned to core 0, load generator to core 1." : "No pinning."
    } ${meta.quick ? "Quick run." : ""}`,
    "",
    `| metric | ${
      names.join(" | ")
    } | Deno: ours-kv vs upstream | Bun: ours-kv vs upstream | ours-deno-kv vs relay |`,
    `|---|${names.map(() => "---:").join("|")}|---:|---:|---:|`,
  ];
  for (const [group, key, label, better] of ROWS) {
    const cells = names.map((n) => {
      const v = value(results[n], group, key);
      return v === undefined ? "–" : String(Math.round(v * 10) / 10);
    });
    const ratio = (mine: string, other: string) => {
      const ours = value(results[mine], group, key);
      const o = value(results[other], group, key);
      if (ours === undefined || o === undefined || ours === 0 || o === 0) return "–";
      const r = better === "higher" ? ours / o : o / ours;
      return `${Math.round(r * 100) / 100}× ${r >= 1 ? "better" : "worse"}`;
    };
    lines.push(
      `| ${label} | ${cells.join(" | ")} | ${ratio("ours-deno-kv", "upstream-deno")} | ${
        ratio("ours-bun-kv", "upstream-bun")
      } | ${ratio("ours-deno-kv", "relay-deno")} |`,
    );
  }
  return lines.join("\n") + "\n";
}
