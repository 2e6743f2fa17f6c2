// `deno task bench`: this server (Deno and Bun, durable Deno KV), upstream TLSocketRoom and a bare
// relay, measured in one run on this machine. BENCH_QUICK=1 for a short run; BENCH_ONLY=name,…
// to pick targets, BENCH_STEPS=fanout,… to pick workloads. Servers run on core 0 and this load
// generator on core 1 (when taskset exists).
import { BUN, DENO, hasTaskset, startTarget, type TargetSpec } from "./targets.ts";
import { connections, fanout, largeRoom, memory, saturation } from "./load/workloads.ts";
import { renderReport, saveResults } from "./report.ts";

const quick = Deno.env.get("BENCH_QUICK") === "1";
const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? (quick ? 3 : 5));
const only = Deno.env.get("BENCH_ONLY")?.split(",");
const onlySteps = Deno.env.get("BENCH_STEPS")?.split(",");
const dataDir = Deno.makeTempDirSync({ prefix: "tlsync-bench-" });
const ours = { TLSYNC_MAX_SESSIONS: "5000", TLSYNC_MAX_MPS: "100000" };

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
    name: "relay-deno",
    cmd: (p: number) => [...DENO, "run", "-A", "bench/servers/relay_server.ts", String(p)],
  },
].filter((s) => !only || only.includes(s.name));

if (hasTaskset) {
  await new Deno.Command("taskset", { args: ["-cp", "1", String(Deno.pid)], stdout: "null" })
    .output();
  console.log("pinning: servers on core 0 (taskset -c 0), load generator on core 1");
}

const results: Record<string, Record<string, unknown>> = {};
for (const spec of specs) {
  console.log(`\n== ${spec.name}`);
  const r: Record<string, unknown> = (results[spec.name] = {});
  let target;
  try {
    target = await startTarget(spec);
  } catch (error) {
    r["error"] = String(error);
    console.log(`  failed to start: ${error}`);
    continue;
  }
  // Memory and connection counts are RSS deltas: each gets a fresh server process so garbage
  // from earlier workloads (collected at unpredictable times) does not blur them.
  const steps: [string, boolean, () => Promise<unknown>][] = [
    ["fanout", false, () => fanout(target!, seconds)],
    ["saturation_1x10", false, () => saturation(target!, 1, 10, quick ? 1 : 2)],
    ["saturation_100x5", false, () => saturation(target!, 100, 5, quick ? 1 : 2)],
    ["large_room", false, () => largeRoom(target!, quick ? 2000 : 10_000)],
    ["connections", true, () => connections(target!, quick ? 300 : 1000)],
    ["memory", true, () => memory(target!, quick ? 200 : 1000, 50, 5)],
  ];
  for (const [name, fresh, run] of steps) {
    if (onlySteps && !onlySteps.includes(name)) continue;
    try {
      if (fresh) {
        await target.stop();
        target = await startTarget(spec);
        await new Promise((r) => setTimeout(r, 1000));
      }
      r[name] = spec.name.startsWith("relay") && name === "large_room" ? "n/a" : await run();
    } catch (error) {
      r[name] = { error: String(error) };
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
