// Saturation: the highest total push rate a target sustains (push→ack p99 under 100 ms with at
// least 90% acknowledged), found by ramping then bisecting to within 10% (rate_search.ts).
import { procStats, type Target } from "../targets.ts";
import { type BenchClient, type Latencies, percentile, sentAt } from "./bench_client.ts";
import { cpuMsPerPush } from "./cpu_per_push.ts";
import { openClients, sleep } from "./open_clients.ts";
import { type RateSearchOptions, searchMaxRate } from "./rate_search.ts";
import { runOpenLoop, type Schedule } from "./schedule.ts";

/** The tick that bursts are synchronized to (20 Hz, as in the fan-out workload). */
const TICK_MS = 50;

export interface SaturationOptions {
  stepSeconds: number;
  /** Wait after each step's last push for the backlog to drain (its CPU and acks count). */
  drainMs: number;
  schedule: Schedule;
  search: RateSearchOptions;
  /** The rate whose server CPU is reported for every target (measured even if the search stops below it). */
  refRate: number;
}

/** What one rate cost the server and whether it passed. */
interface Step {
  passed: boolean;
  cpuPct: number;
  cpuMsPerPush: number;
  summary: string;
}

/**
 * `rooms` × `perRoom` clients sharing a total push rate, in 20 Hz ticks of rate/20 pushes taken by
 * the clients in turn: spread over the tick (`staggered`) or all at its start (`burst`).
 */
export async function saturation(t: Target, rooms: number, perRoom: number, o: SaturationOptions) {
  const lat: Latencies = { ack: [], fanout: [] };
  const clients = (await openClients(t, rooms, perRoom, lat, true)).flat();
  for (const c of clients) c.create();
  await sleep(500);
  const decided = new Map<number, Step>(); // per rate: the attempt that decided it
  const at = { x: 1_000_000 };
  // A rate gets a second try before it fails, so one GC pause does not decide the result.
  const passes = async (rate: number): Promise<boolean> => {
    for (let i = 0; i < 2; i++) {
      const step = await runStep(t, clients, lat, perRoom, rate, o, at);
      decided.set(rate, step);
      if (Deno.env.get("BENCH_VERBOSE")) console.log(`    ${step.summary}`);
      if (step.passed) return true;
    }
    return false;
  };
  const found = await searchMaxRate(passes, o.search);
  // A target that failed below the reference rate is measured there once more, for its CPU.
  if (!decided.has(o.refRate)) {
    decided.set(o.refRate, await runStep(t, clients, lat, perRoom, o.refRate, o, at));
  }
  for (const c of clients) c.close();
  sentAt.clear();
  const ref = decided.get(o.refRate);
  return {
    schedule: o.schedule,
    maxPushesPerSec: found.best,
    failedAt: found.failedAt ?? null,
    rates: found.tried.length,
    refRate: o.refRate,
    refPassed: ref?.passed ?? false,
    cpuPctAtRef: ref?.cpuPct ?? NaN,
    cpuMsPerPushAtRef: ref?.cpuMsPerPush ?? NaN,
    cpuMsPerPushAtMax: decided.get(found.best)?.cpuMsPerPush ?? NaN,
  };
}

async function runStep(
  t: Target,
  clients: BenchClient[],
  lat: Latencies,
  perRoom: number,
  rate: number,
  o: SaturationOptions,
  at: { x: number },
): Promise<Step> {
  lat.ack.length = lat.fanout.length = 0;
  for (const c of clients) c.pending.clear(); // late acks of an earlier step do not count
  const cpuBefore = procStats(t.pid).cpu;
  const start = performance.now();
  // 20 Hz ticks of rate / 20 pushes, the clients taking them in turn.
  const plan = { schedule: o.schedule, clients: clients.length, periodMs: TICK_MS };
  const perPeriod = (rate * TICK_MS) / 1000;
  const send = (i: number) => clients[i]!.drag(at.x++, false);
  const sent = await runOpenLoop({ ...plan, perPeriod }, o.stepSeconds * 1000, send);
  const sendSeconds = (performance.now() - start) / 1000;
  await sleep(o.drainMs); // the backlog drains; its CPU and acknowledgements count
  const cpu = procStats(t.pid).cpu - cpuBefore;
  // A relay never acknowledges: count what reached the peers instead.
  const samples = lat.ack.length ? lat.ack : lat.fanout;
  const expected = lat.ack.length ? sent : sent * (perRoom - 1);
  const p99 = percentile(samples, 99);
  const got = Math.round((100 * samples.length) / expected);
  const cpuPct = Math.round((cpu / sendSeconds) * 100);
  const perPush = cpuMsPerPush(cpu, lat.ack.length);
  return {
    passed: p99 < 100 && samples.length >= expected * 0.9,
    cpuPct,
    cpuMsPerPush: perPush,
    summary: `${rate}/s: p99=${
      Math.round(p99)
    } ms, got=${got}%, cpu=${cpuPct}%, ${perPush} ms/push`,
  };
}
