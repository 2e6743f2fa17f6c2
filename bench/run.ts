// `deno task bench`: this server (Deno and Bun, durable Deno KV), upstream TLSocketRoom (in memory,
// and durable: one SQLite file per room) and a bare relay, measured in one run on this machine. BENCH_QUICK=1 for a smoke run (every target and
// workload, small and short: under two minutes; its numbers only show that everything runs);
// BENCH_ONLY=name,… to pick targets, BENCH_STEPS=fanout,… to pick workloads. Servers run on core 0
// and this load generator on core 1 (when taskset exists). Every server started is stopped at the
// end, on failure, and on SIGINT/SIGTERM. Progress shows on a terminal only. Each target is
// measured by a fresh generator process (this script again, with BENCH_CHILD_TARGET set), so no
// target inherits the generator state (heap, sockets, timers) of the ones before it.
import { BUN, DENO, hasTaskset, startTarget, stopAllTargets, type TargetSpec } from "./targets.ts";
import { connections, largeRoom, memory } from "./load/workloads.ts";
import { fanout } from "./load/fanout.ts";
import { saturation, type SaturationOptions } from "./load/saturation.ts";
import type { Schedule } from "./load/schedule.ts";
import { renderReport, saveResults } from "./report.ts";
import { startProgress } from "./progress.ts";

const quick = Deno.env.get("BENCH_QUICK") === "1";
const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? (quick ? 1 : 5));
/** Workload sizes: full run, and the smoke run of BENCH_QUICK=1. */
const size = quick
  ? { stepSeconds: 0.5, shapes: 500, conns: 100, memRooms: 30, settle: 0 }
  : { stepSeconds: 2, shapes: 10_000, conns: 1000, memRooms: 1000, settle: 20 };
/** Saturation search: doubling from 250/s, then bisection to within 10%; CPU reported at refRate. */
const search = quick
  ? { drainMs: 250, search: { start: 500, min: 60, max: 1000, maxSteps: 3 }, refRate: 1000 }
  : { drainMs: 500, search: { start: 250, min: 30, max: 64_000, maxSteps: 14 }, refRate: 2000 };
const sat = (schedule: Schedule): SaturationOptions => ({
  stepSeconds: size.stepSeconds,
  schedule,
  ...search,
});
const ackWaitMs = quick ? 5000 : 60_000;
const only = Deno.env.get("BENCH_ONLY")?.split(",");
const onlySteps = Deno.env.get("BENCH_STEPS")?.split(",");
/** Set in the generator process of one target (see the file comment). */
const childTarget = Deno.env.get("BENCH_CHILD_TARGET");
const childOut = Deno.env.get("BENCH_CHILD_OUT");
const dataDir = Deno.makeTempDirSync({ prefix: "tlsync-bench-" });
// No limit of ours may cut the load (per-address caps already skip 127.0.0.1).
const ours = {
  TLSYNC_MAX_SESSIONS: "5000",
  TLSYNC_MAX_PENDING_PER_ROOM: "5000",
  TLSYNC_MAX_MPS: "100000",
};

const specs: TargetSpec[] = [
  {
    name: "ours-deno-kv",
    cmd: (
      p: number,
    ) => [...DENO, "serve", "--host", "127.0.0.1", "--port", String(p), "--allow-all", "mod.ts"],
    env: { ...ours, TLSYNC_DATA: `${dataDir}/deno.kv` },
  },
  {
    name: "ours-bun-kv",
    cmd: () => [...BUN, "run", "mod.ts"],
    env: { ...ours, TLSYNC_DATA: `${dataDir}/bun.kv` },
  },
  {
    name: "ours-deno-mem",
    cmd: (
      p: number,
    ) => [...DENO, "serve", "--host", "127.0.0.1", "--port", String(p), "--allow-all", "mod.ts"],
    env: { ...ours, TLSYNC_DATA: ":memory:" },
  },
  {
    name: "upstream-deno",
    cmd: (p: number) => [...DENO, "run", "-A", "bench/servers/upstream_server.ts", String(p)],
  },
  {
    name: "upstream-bun",
    cmd: (p: number) => [...BUN, "run", "bench/servers/upstream_server_bun.ts", String(p)],
  },
  {
    name: "upstream-durable-deno",
    cmd: (p: number) => [
      ...DENO,
      "run",
      "-A",
      "bench/servers/upstream_server.ts",
      String(p),
      `${dataDir}/upstream-deno-sqlite`,
    ],
  },
  {
    name: "upstream-durable-bun",
    cmd: (p: number) => [
      ...BUN,
      "run",
      "bench/servers/upstream_server_bun.ts",
      String(p),
      `${dataDir}/upstream-bun-sqlite`,
    ],
  },
  {
    name: "relay-deno",
    cmd: (p: number) => [...DENO, "run", "-A", "bench/servers/relay_server.ts", String(p)],
  },
  // Every core (opt-in): `deno serve --parallel`, 1 vs 2 workers, both on cores 0 and 1 (the load
  // generator shares core 1: compare server CPU per push too).
  ...[1, 2].map((workers) => ({
    name: `ours-deno-kv-${workers}w`,
    cmd: (
      p: number,
    ) => [
      ...DENO,
      "serve",
      "--parallel",
      "--host",
      "127.0.0.1",
      "--port",
      String(p),
      "--allow-all",
      "mod.ts",
    ],
    env: { ...ours, TLSYNC_DATA: `${dataDir}/deno-${workers}w.kv`, DENO_JOBS: String(workers) },
    cpus: "0,1",
    optIn: true,
  })),
].filter((s: TargetSpec) => only ? only.includes(s.name) : !s.optIn);

if (hasTaskset && childTarget === undefined) {
  // Children inherit the pinning.
  await new Deno.Command("taskset", { args: ["-cp", "1", String(Deno.pid)], stdout: "null" })
    .output();
  console.log("pinning: servers on core 0 (taskset -c 0), load generator on core 1");
}

if (childTarget !== undefined) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      stopAllTargets().finally(() => Deno.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
}

const results: Record<string, Record<string, unknown>> = {};
if (childTarget !== undefined && childOut !== undefined) {
  // A child: measure one target, hand its results to the parent, stop.
  try {
    const spec = specs.find((s) => s.name === childTarget);
    if (!spec) throw new Error(`unknown target ${childTarget}`);
    await runTarget(spec);
  } finally {
    await stopAllTargets();
    Deno.removeSync(dataDir, { recursive: true });
  }
  Deno.writeTextFileSync(childOut, JSON.stringify(results[childTarget] ?? {}));
  Deno.exit(0);
}

let child: Deno.ChildProcess | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    try {
      child?.kill(signal); // the child stops its servers on the same signal
    } catch {
      // already gone
    }
  });
}
for (const [i, spec] of specs.entries()) {
  if (i > 0 && !quick) await settleBetweenTargets();
  results[spec.name] = await runInChild(spec.name);
}

/** Measure `name` in a fresh generator process (this script, as a child) and return its results. */
async function runInChild(name: string): Promise<Record<string, unknown>> {
  const out = `${dataDir}/${name}.json`;
  child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname],
    env: { BENCH_CHILD_TARGET: name, BENCH_CHILD_OUT: out },
    stdin: "null",
  }).spawn();
  const status = await child.status;
  child = undefined;
  try {
    return JSON.parse(Deno.readTextFileSync(out));
  } catch {
    return { error: `generator exited with code ${status.code} before writing results` };
  }
}

/**
 * Between targets: the previous server's files reach the disk (`sync`) and the machine rests, so
 * a target is not measured against the previous one's leftovers (a later target measured worse
 * than the same target alone).
 */
async function settleBetweenTargets(): Promise<void> {
  try {
    await new Deno.Command("sync").output();
  } catch {
    // no sync(1): the pause still helps
  }
  await new Promise((r) => setTimeout(r, 5000));
}

async function runTarget(spec: TargetSpec): Promise<void> {
  console.log(`\n== ${spec.name}`);
  const r: Record<string, unknown> = (results[spec.name] = {});
  let target;
  try {
    target = await startTarget(spec);
  } catch (error) {
    r["error"] = String(error);
    console.log(`  failed to start: ${error}`);
    return;
  }
  // Memory and connection counts are RSS deltas: each gets a fresh server process so garbage
  // from earlier workloads (collected at unpredictable times) does not blur them.
  const steps: [string, boolean, () => Promise<unknown>][] = [
    ["fanout", false, () => fanout(target!, seconds, "staggered")],
    ["fanout_burst", false, () => fanout(target!, seconds, "burst")],
    ["saturation_1x10", false, () => saturation(target!, 1, 10, sat("staggered"))],
    ["saturation_100x5", false, () => saturation(target!, 100, 5, sat("staggered"))],
    ["saturation_100x5_burst", false, () => saturation(target!, 100, 5, sat("burst"))],
    ["large_room", false, () => largeRoom(target!, size.shapes)],
    ["connections", true, () => connections(target!, size.conns)],
    ["memory", true, () => memory(target!, size.memRooms, 50, size.settle, ackWaitMs)],
  ];
  const chosen = steps.filter(([name]) => !onlySteps || onlySteps.includes(name));
  for (const [i, [name, fresh, run]] of chosen.entries()) {
    const progress = startProgress(`${spec.name} ${name} (${i + 1}/${chosen.length})`);
    try {
      if (fresh) {
        await target.stop();
        target = await startTarget(spec);
        await new Promise((r) => setTimeout(r, quick ? 200 : 1000));
      }
      r[name] = spec.name.startsWith("relay") && name === "large_room" ? "n/a" : await run();
    } catch (error) {
      r[name] = { error: String(error) };
    } finally {
      progress.done();
    }
    console.log(`  ${name}: ${JSON.stringify(r[name])}`);
  }
  await target.stop();
}

const meta = { quick, seconds, taskset: hasTaskset };
console.log("\n" + renderReport(results, meta));
for (const file of saveResults(results, meta)) console.log(`wrote ${file}`);
Deno.removeSync(dataDir, { recursive: true });
Deno.exit(0);
