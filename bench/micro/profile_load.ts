// Drive one server under a fixed load while it writes a CPU profile, for cpuprofile_summary.ts.
// Usage: deno run -A bench/micro/profile_load.ts <target> <workload> <profile dir>
//   target:   ours-deno-kv | ours-deno-mem | ours-deno-nokv (no file permissions: MemoryStorage)
//             | ours-bun-kv | ours-bun-mem | upstream-deno | upstream-bun
//             | batch-deno | batch-bun (KV file, batcher from IN_FLIGHT, MAX_CHECKS, GATHER_MS)
//   workload: fanout (10 rooms × 10 clients, 20 Hz staggered, drags + cursors)
//             | sat (100 rooms × 5 clients, a fixed RATE pushes/s, staggered 20 Hz ticks)
//             | one (1 room × 10 clients, a fixed RATE pushes/s, staggered 20 Hz ticks)
// Env: PROF_SECONDS (default 20), RATE (default 4000), KEEP_DATA=1 (keep the server's KV file and
// print where). Prints acknowledged pushes, server CPU (/proc) and
// the load window in ms after the server's spawn (pass it to cpuprofile_summary.ts --from/--to).
import { BUN, DENO, procStats, startTarget, type TargetSpec } from "../targets.ts";
import { type Latencies, percentile } from "../load/bench_client.ts";
import { openClients, sleep } from "../load/open_clients.ts";
import { runOpenLoop } from "../load/schedule.ts";
import { cpuSecondsFromStat } from "../load/cpu_per_push.ts";

const [name, workload, dir] = Deno.args;
if (!name || !workload || !dir) throw new Error("usage: <target> <fanout|sat|one> <profile dir>");
const seconds = Number(Deno.env.get("PROF_SECONDS") ?? 20);
const rate = Number(Deno.env.get("RATE") ?? 4000);
const data = Deno.makeTempDirSync({ prefix: "tlsync-prof-" });
// PROFILE=0: no profiler (its overhead out of the CPU figures; /metrics counters still read).
const prof = Deno.env.get("PROFILE") === "0"
  ? []
  : ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${workload}.cpuprofile`];
const ours = {
  TLSYNC_MAX_SESSIONS: "5000",
  TLSYNC_MAX_PENDING_PER_ROOM: "5000",
  TLSYNC_MAX_MPS: "100000",
};
const denoServe = (
  p: number,
) => [...DENO, "serve", ...prof, "--host", "127.0.0.1", "--port", String(p), "-A", "mod.ts"];
const specs: Record<string, TargetSpec> = {
  "ours-deno-kv": { name, cmd: denoServe, env: { ...ours, TLSYNC_DATA: `${data}/d.kv` } },
  "ours-deno-mem": { name, cmd: denoServe, env: { ...ours, TLSYNC_DATA: ":memory:" } },
  // No file permissions: the server keeps rooms in plain memory (no KV at all).
  "ours-deno-nokv": {
    name,
    cmd: (
      p,
    ) => [
      ...DENO,
      "serve",
      ...prof,
      "--host",
      "127.0.0.1",
      "--port",
      String(p),
      "--allow-net",
      "--allow-env",
      "mod.ts",
    ],
    env: ours,
  },
  "ours-bun-kv": {
    name,
    cmd: () => [...BUN, ...prof, "run", "mod.ts"],
    env: { ...ours, TLSYNC_DATA: `${data}/b.kv` },
  },
  "ours-bun-mem": {
    name,
    cmd: () => [...BUN, ...prof, "run", "mod.ts"],
    env: { ...ours, TLSYNC_DATA: ":memory:" },
  },
  "upstream-deno": {
    name,
    cmd: (p) => [...DENO, "run", ...prof, "-A", "bench/micro/_exit_on_term.ts", String(p)],
  },
  "upstream-bun": {
    name,
    cmd: (p) => [...BUN, ...prof, "run", "bench/micro/_exit_on_term.ts", String(p)],
  },
};
const batch = {
  IN_FLIGHT: Deno.env.get("IN_FLIGHT") ?? "1",
  MAX_CHECKS: Deno.env.get("MAX_CHECKS") ?? "10",
  GATHER_MS: Deno.env.get("GATHER_MS") ?? "0",
};
specs["batch-deno"] = {
  name,
  cmd: () => [...DENO, "run", ...prof, "-A", "bench/micro/_batcher_server.ts"],
  env: { ...batch, TLSYNC_DATA: `${data}/d.kv` },
};
specs["batch-bun"] = {
  name,
  cmd: () => [...BUN, ...prof, "run", "bench/micro/_batcher_server.ts"],
  env: { ...batch, TLSYNC_DATA: `${data}/b.kv` },
};
const spec = specs[name];
if (!spec) throw new Error(`unknown target ${name}`);

const spawnedAt = performance.now();
const t = await startTarget(spec);
const lat: Latencies = { ack: [], fanout: [] };
const shapes: Record<string, [number, number, boolean]> = {
  fanout: [10, 10, false],
  sat: [100, 5, true],
  one: [1, 10, true],
};
const shape = shapes[workload];
if (!shape) throw new Error(`unknown workload ${workload}`);
const [rooms, perRoom, fast] = shape;
const clients = (await openClients(t, rooms, perRoom, lat, fast)).flat();
for (const c of clients) c.create();
await sleep(500);
lat.ack.length = lat.fanout.length = 0;
const cpu0 = procStats(t.pid).cpu;
const threads0 = threadCpu(t.pid);
const metrics0 = await counters(t.port);
const from = performance.now() - spawnedAt;
let x = 1;
const sent = workload === "fanout"
  ? await runOpenLoop(
    { schedule: "staggered", clients: clients.length, periodMs: 50 },
    seconds * 1000,
    (i) => clients[i]!.drag(x++, true),
  )
  : await runOpenLoop(
    { schedule: "staggered", clients: clients.length, periodMs: 50, perPeriod: rate / 20 },
    seconds * 1000,
    (i) => clients[i]!.drag(x++, false),
  );
await sleep(500);
const to = performance.now() - spawnedAt;
const cpu = procStats(t.pid).cpu - cpu0;
const threads = threadCpu(t.pid);
const metrics = await counters(t.port);
for (const [k, v] of Object.entries(metrics0)) metrics[k] = (metrics[k] ?? 0) - v;
for (const [k, v] of threads0) threads.set(k, Math.round(((threads.get(k) ?? 0) - v) * 100) / 100);
for (const c of clients) c.close();
await sleep(300);
await t.stop(); // SIGTERM: the server exits and writes its profile
if (Deno.env.get("KEEP_DATA")) console.error("data kept in", data);
else Deno.removeSync(data, { recursive: true });
const [l1, l5] = Deno.loadavg();
console.log(JSON.stringify({
  target: name,
  workload,
  seconds,
  sent,
  acked: lat.ack.length,
  cpuSeconds: Math.round(cpu * 100) / 100,
  cpuUsPerAck: Math.round((cpu * 1e6) / lat.ack.length),
  ackMsP50P99: [50, 99].map((p) => Math.round(percentile(lat.ack, p) * 10) / 10),
  ackMsP10To90: [10, 25, 50, 75, 90].map((p) => Math.round(percentile(lat.ack, p) * 10) / 10),
  fanMsP50P90P99: [50, 90, 99].map((p) => Math.round(percentile(lat.fanout, p) * 10) / 10),
  counters: metrics,
  threadCpuSeconds: Object.fromEntries([...threads].filter(([, v]) => v >= 0.01)),
  windowMs: [Math.round(from), Math.round(to)],
  loadavg: [l1, l5],
}));
Deno.exit(0);

/** CPU seconds per thread name (summed over threads of that name), from /proc/<pid>/task. */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${e.name}/stat`);
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/[-\d]+$/, "");
      out.set(comm, (out.get(comm) ?? 0) + cpuSecondsFromStat(stat));
    } catch {
      // the thread ended
    }
  }
  for (const [k, v] of out) out.set(k, Math.round(v * 100) / 100);
  return out;
}

/** Room commits and frames in/out from our /metrics (empty for servers without it). */
async function counters(port: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const line of text.split("\n")) {
      const m =
        /^(tlsync_storage_commit_duration_seconds_(?:count|sum)|tlsync_messages_(?:in|out)_total)(?:\{[^}]*\})? ([\d.e+-]+)/
          .exec(line);
      if (m) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
    }
  } catch {
    // no metrics route
  }
  return out;
}
