// New-room flood: from one address, open connections to fresh room ids at a target rate (each
// closed after its connect reply), at most 1000 sockets at once; meanwhile a "real user" joins a
// fixed room every 100 ms. Connect latency percentiles of both, how flood connects were refused,
// and the server's RSS.
// Run: deno run -A bench/attack/new_room_flood.ts
//   (ATTACK_RUNTIMES, FLOOD_RATE=2000 per second, FLOOD_SECONDS=5, FLOOD_FORWARDED_HEADER,
//   FLOOD_SERVER_ENV)
import { connectFrame } from "./_frames.ts";
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
import { openSocket } from "./_ws.ts";

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

interface Attempt {
  ms: number;
  outcome: string;
}

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

/** Open, send connect, wait for the reply, close. */
async function connectOnce(
  server: Server,
  room: string,
  session: string,
  from: string,
): Promise<Attempt> {
  const start = performance.now();
  const headers: Record<string, string> = FORWARDED ? { [FORWARDED]: from } : {};
  const socket = await openSocket(server.port, `/connect/${room}?sessionId=${session}`, headers);
  if (!("send" in socket)) {
    const outcome = socket.status ? `HTTP ${socket.status}` : socket.detail.slice(0, 40);
    return { ms: performance.now() - start, outcome };
  }
  try {
    await socket.send(connectFrame(session));
    const reply = await socket.next((m) => m["type"] === "connect", REPLY_TIMEOUT_MS);
    const ms = performance.now() - start;
    if (reply) return { ms, outcome: "ok" };
    if (socket.isClosed()) {
      const { code, reason } = await socket.closed;
      return { ms, outcome: `close ${code} ${reason}`.trim() };
    }
    return { ms, outcome: `no reply in ${REPLY_TIMEOUT_MS / 1000} s` };
  } finally {
    socket.close();
  }
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

/** A user joining `real-room` every 100 ms until `stop()` returns true. */
async function realUser(server: Server, stop: () => boolean): Promise<Attempt[]> {
  const out: Attempt[] = [];
  for (let k = 0; !stop(); k++) {
    const next = performance.now() + 100;
    out.push(await connectOnce(server, "real-room", `real-${k}`, REAL_ADDRESS));
    await sleep(Math.max(0, next - performance.now()));
  }
  return out;
}

/** Launch flood connects at RATE for SECONDS, never more than MAX_SOCKETS at once. */
async function flood(server: Server): Promise<{ attempts: Attempt[]; seconds: number }> {
  const attempts: Attempt[] = [];
  const pending = new Set<Promise<void>>();
  const total = RATE * SECONDS;
  const start = performance.now();
  let launched = 0;
  const stamp = Date.now().toString(36);
  while (launched < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
    while (launched < due && pending.size < MAX_SOCKETS) {
      const i = launched++;
      const p: Promise<void> = connectOnce(server, `flood-${stamp}-${i}`, `f${i}`, FLOOD_ADDRESS)
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
    const baselineEnd = performance.now() + 1500;
    const baseline = await realUser(server, () => performance.now() > baselineEnd);
    let peak = rssMiB(server.pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid) || 0)), 250);
    let flooding = true;
    const real = realUser(server, () => !flooding);
    const { attempts, seconds } = await flood(server).finally(() => (flooding = false));
    const realAttempts = await real;
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
