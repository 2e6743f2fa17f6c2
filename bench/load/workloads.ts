// The workloads. Every loop is bounded in time; every client is closed at the end.
import { procStats, type Target } from "../targets.ts";
import { BenchClient, geoShape, type Latencies, percentile, sentAt } from "./bench_client.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let roomSeq = 0;
const url = (t: Target, room: string, s: string) =>
  `ws://127.0.0.1:${t.port}/connect/${room}?sessionId=${s}`;

async function openClients(
  t: Target,
  rooms: number,
  perRoom: number,
  lat: Latencies,
  fast = false,
): Promise<BenchClient[][]> {
  const out: BenchClient[][] = [];
  const tag = `r${Date.now().toString(36)}${roomSeq++}`;
  for (let r = 0; r < rooms; r++) {
    const group = Array.from(
      { length: perRoom },
      (_, c) =>
        new BenchClient(url(t, `${tag}-${r}`, `s${c}`), lat, `shape:${tag}r${r}c${c}`, fast),
    );
    await Promise.all(group.map((c) => c.open()));
    out.push(group);
  }
  return out;
}

/** 10 rooms × 10 clients dragging shapes and moving cursors at `hz` each. */
export async function fanout(t: Target, seconds: number, hz = 20) {
  const lat: Latencies = { ack: [], fanout: [] };
  const groups = await openClients(t, 10, 10, lat);
  const clients = groups.flat();
  for (const c of clients) c.create();
  await sleep(300);
  lat.ack.length = lat.fanout.length = 0;
  const before = procStats(t.pid);
  const start = performance.now();
  let x = 1;
  while (performance.now() - start < seconds * 1000) {
    const tick = performance.now();
    for (const c of clients) c.drag(x++, true);
    const spent = performance.now() - tick;
    await sleep(Math.max(0, 1000 / hz - spent));
  }
  await sleep(300);
  const after = procStats(t.pid);
  const elapsed = (performance.now() - start) / 1000;
  for (const c of clients) c.close();
  sentAt.clear();
  return {
    pushesPerSec: Math.round(clients.length * hz),
    ackP50: percentile(lat.ack, 50),
    ackP99: percentile(lat.ack, 99),
    fanP50: percentile(lat.fanout, 50),
    fanP99: percentile(lat.fanout, 99),
    cpuPct: Math.round(((after.cpu - before.cpu) / elapsed) * 100),
    rssMiB: Math.round(after.rssMiB),
  };
}

/** The push rates the saturation ramp tries, in order. */
export const RATES = [250, 500, 1000, 2000, 4000, 8000, 12000, 16000, 24000, 32000, 48000, 64000];

/**
 * Highest total push rate (ramped) whose p99 push→ack latency stays under 100 ms with at least
 * 90% of pushes acknowledged. A rate gets a second try before the ramp stops, so one GC pause on
 * either side does not decide the result.
 */
export async function saturation(
  t: Target,
  rooms: number,
  perRoom: number,
  stepSeconds: number,
  rates: number[] = RATES,
) {
  const lat: Latencies = { ack: [], fanout: [] };
  const clients = (await openClients(t, rooms, perRoom, lat, true)).flat();
  for (const c of clients) c.create();
  await sleep(500);
  let best = 0;
  let x = 1_000_000;
  const steps: string[] = [];
  const cpuAt = new Map<number, number>();
  const attempt = async (rate: number): Promise<boolean> => {
    lat.ack.length = lat.fanout.length = 0;
    let sent = 0;
    const cpuBefore = procStats(t.pid).cpu;
    const start = performance.now();
    while (performance.now() - start < stepSeconds * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
      for (let i = 0; i < due; i++) clients[(sent + i) % clients.length]!.drag(x++, false);
      sent += Math.max(0, due);
      await sleep(5);
    }
    const cpuPct = Math.round(
      ((procStats(t.pid).cpu - cpuBefore) / ((performance.now() - start) / 1000)) * 100,
    );
    if (!cpuAt.has(rate)) cpuAt.set(rate, cpuPct);
    await sleep(500);
    const samples = lat.ack.length ? lat.ack : lat.fanout;
    const expected = lat.ack.length ? sent : sent * (perRoom - 1);
    const p99 = percentile(samples, 99);
    const got = Math.round((100 * samples.length) / expected);
    steps.push(`${rate}:p99=${Math.round(p99)},got=${got}%,cpu=${cpuPct}%`);
    return p99 < 100 && samples.length >= expected * 0.9;
  };
  for (const rate of rates) {
    if (!(await attempt(rate)) && !(await attempt(rate))) break;
    best = rate;
  }
  for (const c of clients) c.close();
  sentAt.clear();
  if (Deno.env.get("BENCH_VERBOSE")) console.log(`    ${steps.join(" ")}`);
  // Server CPU at a rate every target sustains: engine cost independent of the generator.
  return { maxPushesPerSec: best, cpuPctAt8000: cpuAt.get(8000) ?? NaN };
}

/** A room with `shapes` shapes: time for 1, then 20 concurrent fresh clients to get it all. */
export async function largeRoom(t: Target, shapes: number) {
  const lat: Latencies = { ack: [], fanout: [] };
  const room = `large${Date.now().toString(36)}${roomSeq++}`;
  const seeder = new BenchClient(url(t, room, "seed"), lat, "shape:seed");
  await seeder.open();
  for (let i = 0; i < shapes; i += 500) {
    const diff: Record<string, unknown> = {};
    for (let j = i; j < Math.min(shapes, i + 500); j++) {
      diff[`shape:l${j}`] = ["put", geoShape(`shape:l${j}`, j, 0)];
    }
    seeder.pushRaw(diff);
    await sleep(20);
  }
  const deadline = performance.now() + 60_000;
  while (seeder.pending.size > 0 && performance.now() < deadline) await sleep(50);
  let cpuMs = 0;
  const timeLoad = async (n: number) => {
    const cpuBefore = procStats(t.pid).cpu;
    const start = performance.now();
    const cs = Array.from(
      { length: n },
      (_, i) => new BenchClient(url(t, room, `fresh${n}-${i}`), lat, "shape:none"),
    );
    const replies = await Promise.all(cs.map((c) => c.open()));
    const ms = performance.now() - start;
    cpuMs = Math.round((procStats(t.pid).cpu - cpuBefore) * 1000);
    const ok = replies.every((r) => (r["shapeCount"] as number) >= shapes);
    for (const c of cs) c.close();
    return ok ? ms : NaN;
  };
  const one = await timeLoad(1);
  const twenty = await timeLoad(20);
  const twentyCpuMs = cpuMs;
  seeder.close();
  return { oneMs: Math.round(one), twentyMs: Math.round(twenty), twentyCpuMs };
}

/**
 * `rooms` rooms with `shapes` shapes each, one client each: RSS loaded and, unless `settleSeconds`
 * is 0 (a smoke run), after the server has evicted them and settled.
 */
export async function memory(
  t: Target,
  rooms: number,
  shapes: number,
  settleSeconds: number,
  ackWaitMs = 60_000,
) {
  const lat: Latencies = { ack: [], fanout: [] };
  const base = procStats(t.pid).rssMiB;
  const clients: BenchClient[] = [];
  const tag = `mem${Date.now().toString(36)}${roomSeq++}`;
  for (let r = 0; r < rooms; r++) {
    const c = new BenchClient(url(t, `${tag}-${r}`, "m"), lat, `shape:m${r}`);
    await c.open();
    const diff: Record<string, unknown> = {};
    for (let j = 0; j < shapes; j++) {
      diff[`shape:m${r}-${j}`] = ["put", geoShape(`shape:m${r}-${j}`, j, 0)];
    }
    c.pushRaw(diff);
    clients.push(c);
    if (r % 50 === 49) await sleep(50);
  }
  // A relay never acknowledges: its wait always runs to the deadline.
  const deadline = performance.now() + ackWaitMs;
  while (clients.some((c) => c.pending.size > 0) && performance.now() < deadline) await sleep(100);
  await sleep(500);
  const loaded = procStats(t.pid).rssMiB;
  for (const c of clients) c.close();
  if (settleSeconds === 0) {
    return {
      baseMiB: Math.round(base),
      loadedMiB: Math.round(loaded),
      perRoomKiB: Math.round(((loaded - base) * 1024) / rooms),
    };
  }
  // Wait for the server to evict the rooms (it reports them on /health), then let it settle.
  const evictDeadline = performance.now() + 60_000;
  while (performance.now() < evictDeadline && (await liveRooms(t)) > 0) await sleep(500);
  await sleep(settleSeconds * 1000);
  const after = procStats(t.pid).rssMiB;
  return {
    baseMiB: Math.round(base),
    loadedMiB: Math.round(loaded),
    perRoomKiB: Math.round(((loaded - base) * 1024) / rooms),
    afterMiB: Math.round(after),
  };
}

async function liveRooms(t: Target): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${t.port}/health`);
    const body = await res.json() as { rooms?: number };
    return typeof body.rooms === "number" ? body.rooms : 0;
  } catch {
    return 0;
  }
}

/** `n` clients into one room: connect time and RSS per connection. */
export async function connections(t: Target, n: number) {
  const lat: Latencies = { ack: [], fanout: [] };
  const base = procStats(t.pid).rssMiB;
  const room = `conn${Date.now().toString(36)}${roomSeq++}`;
  const start = performance.now();
  const clients: BenchClient[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from(
      { length: Math.min(50, n - i) },
      (_, j) => new BenchClient(url(t, room, `c${i + j}`), lat, "shape:none"),
    );
    await Promise.all(batch.map((c) => c.open()));
    clients.push(...batch);
  }
  const ms = performance.now() - start;
  await sleep(300);
  const rss = procStats(t.pid).rssMiB;
  for (const c of clients) c.close();
  return { connectMs: Math.round(ms), perConnKiB: Math.round(((rss - base) * 1024) / n) };
}
