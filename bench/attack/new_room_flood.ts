// New-room flood: from one address, open connections to fresh room ids at a target rate (each
// closed after its connect reply), at most 1000 sockets at once; meanwhile a "real user" joins a
// fixed room every 100 ms. Connect latency percentiles of both, how flood connects were refused,
// and the server's RSS.
// Run: deno run -A bench/attack/new_room_flood.ts
//   (ATTACK_RUNTIMES, FLOOD_RATE=2000 per second, FLOOD_SECONDS=5, FLOOD_FORWARDED_HEADER,
//   FLOOD_SERVER_ENV)
import { type Attempt, connectOnce } from "./_connect_once.ts";
import {
  fmtMs,
  loadavg,
  percentile,
  rssMiB,
  type Runtime,
  runtimes,
  type Server,
  sleep,
  startServer,
  tally,
} from "./_shared.ts";

const RATE = Number(Deno.env.get("FLOOD_RATE") ?? 2000);
const SECONDS = Number(Deno.env.get("FLOOD_SECONDS") ?? 5);
const MAX_SOCKETS = 1000;
const REPLY_TIMEOUT_MS = 10_000;
// Everything comes from 127.0.0.1. To give the real user its own address behind a trusted proxy,
// set FLOOD_FORWARDED_HEADER (e.g. x-forwarded-for) and FLOOD_SERVER_ENV (e.g.
// '{"TLSYNC_TRUST_PROXY":"1"}'): the flood then claims 203.0.113.7 and the real user 198.51.100.1.
const FORWARDED = Deno.env.get("FLOOD_FORWARDED_HEADER") ?? "";
const SERVER_ENV: Record<string, string> = JSON.parse(Deno.env.get("FLOOD_SERVER_ENV") ?? "{}");
const FLOOD_ADDRESS = "203.0.113.7";
const REAL_ADDRESS = "198.51.100.1";

export interface Latency {
  n: number;
  ok: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface FloodResult {
  runtime: Runtime;
  attempted: number;
  achievedRate: number;
  flood: Latency;
  floodOutcomes: Record<string, number>;
  realBaseline: Latency;
  real: Latency;
  realOutcomes: Record<string, number>;
  peakRssMiB: number;
  endRssMiB: number;
}

function summarize(attempts: Attempt[]): Latency {
  const ok = attempts.filter((a) => a.outcome === "ok").map((a) => a.ms);
  return {
    n: attempts.length,
    ok: ok.length,
    p50: percentile(ok, 50),
    p90: percentile(ok, 90),
    p99: percentile(ok, 99),
  };
}

/** The real user (a Worker) joining `real-room` every 100 ms until `stop()`. */
function startRealUser(server: Server, prefix: string): { stop(): Promise<Attempt[]> } {
  const worker = new Worker(new URL("./_real_user_worker.ts", import.meta.url), {
    type: "module",
  });
  const done = new Promise<Attempt[]>((resolve) => (worker.onmessage = (e) => resolve(e.data)));
  const headers = FORWARDED ? { [FORWARDED]: REAL_ADDRESS } : {};
  worker.postMessage({ port: server.port, prefix, headers });
  return {
    stop: async () => {
      worker.postMessage({ stop: true });
      const attempts = await done;
      worker.terminate();
      return attempts;
    },
  };
}

/** Launch flood connects at RATE for SECONDS, never more than MAX_SOCKETS at once. */
async function flood(server: Server): Promise<{ attempts: Attempt[]; seconds: number }> {
  const attempts: Attempt[] = [];
  const pending = new Set<Promise<void>>();
  const total = RATE * SECONDS;
  const start = performance.now();
  let launched = 0;
  const stamp = Date.now().toString(36);
  const headers = FORWARDED ? { [FORWARDED]: FLOOD_ADDRESS } : {};
  while (launched < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    while (launched < due && pending.size < MAX_SOCKETS) {
      const i = launched++;
      const p: Promise<void> = connectOnce(
        server.port,
        `flood-${stamp}-${i}`,
        `f${i}`,
        headers,
        REPLY_TIMEOUT_MS,
      )
        .catch((error) => ({ ms: NaN, outcome: `error ${String(error).slice(0, 40)}` }))
        .then((a) => void attempts.push(a))
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await sleep(5);
  }
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(pending);
  return { attempts, seconds };
}

export async function newRoomFlood(runtime: Runtime): Promise<FloodResult> {
  const server = await startServer(runtime, SERVER_ENV);
  try {
    const baselineUser = startRealUser(server, "before");
    await sleep(1500);
    const baseline = await baselineUser.stop();
    let peak = rssMiB(server.pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid) || 0)), 250);
    const realUser = startRealUser(server, "during");
    const flooded = flood(server);
    const [{ attempts, seconds }, realAttempts] = await Promise.all([
      flooded,
      flooded.then(() => realUser.stop(), () => realUser.stop()),
    ]);
    clearInterval(sampler);
    await sleep(1000);
    return {
      runtime,
      attempted: attempts.length,
      achievedRate: attempts.length / seconds,
      flood: summarize(attempts),
      floodOutcomes: tally(attempts.map((a) => a.outcome)),
      realBaseline: summarize(baseline),
      real: summarize(realAttempts),
      realOutcomes: tally(realAttempts.map((a) => a.outcome)),
      peakRssMiB: peak,
      endRssMiB: rssMiB(server.pid),
    };
  } finally {
    await server.stop();
  }
}

function lat(l: Latency): string {
  return `${fmtMs(l.p50)} / ${fmtMs(l.p90)} / ${fmtMs(l.p99)} (${l.ok}/${l.n} ok)`;
}

export function floodTable(results: FloodResult[]): string {
  const lines = [
    "| runtime | flood connects (rate) | flood p50/p90/p99 | flood outcomes | real user before flood p50/p90/p99 | real user during flood p50/p90/p99 | real user outcomes | peak RSS | RSS after |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of results) {
    const outcomes = (o: Record<string, number>) =>
      Object.entries(o).map(([k, v]) => `${k}: ${v}`).join(", ");
    lines.push(
      `| ${r.runtime} | ${r.attempted} (${r.achievedRate.toFixed(0)}/s) | ${lat(r.flood)} | ` +
        `${outcomes(r.floodOutcomes)} | ${lat(r.realBaseline)} | ${lat(r.real)} | ` +
        `${outcomes(r.realOutcomes)} | ${r.peakRssMiB.toFixed(0)} MiB | ${
          r.endRssMiB.toFixed(0)
        } MiB |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  console.log(`load before: ${loadavg()}`);
  const results = [];
  for (const runtime of runtimes()) {
    const r = await newRoomFlood(runtime);
    console.log(`  flood ${runtime}: ${JSON.stringify(r)}`);
    results.push(r);
  }
  console.log(`load after: ${loadavg()}\n\n${floodTable(results)}`);
  Deno.exit(0);
}
