// The room-size workloads (large room, memory, connections); fan-out and saturation have files of
// their own. Every loop is bounded in time; every client is closed at the end.
import { procStats, type Target } from "../targets.ts";
import { BenchClient, geoShape, type Latencies } from "./bench_client.ts";
import { roomTag, sleep, url } from "./open_clients.ts";

/** A room with `shapes` shapes: time for 1, then 20 concurrent fresh clients to get it all. */
export async function largeRoom(t: Target, shapes: number) {
  const lat: Latencies = { ack: [], fanout: [] };
  const room = roomTag("large");
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
  // Server CPU while nobody sends (background work left by earlier steps: checkpoints, history
  // passes, sweeps), so a slow load can be told apart from a busy server.
  const idleBefore = procStats(t.pid).cpu;
  await sleep(1000);
  const idleCpuPct = Math.round((procStats(t.pid).cpu - idleBefore) * 100);
  const one = await timeLoad(1);
  const twenty = await timeLoad(20);
  const twentyCpuMs = cpuMs;
  seeder.close();
  return { oneMs: Math.round(one), twentyMs: Math.round(twenty), twentyCpuMs, idleCpuPct };
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
  const tag = roomTag("mem");
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
  const room = roomTag("conn");
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
