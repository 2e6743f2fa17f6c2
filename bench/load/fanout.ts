// Fan-out: 10 rooms × 10 clients dragging shapes and moving cursors, open loop.
import { procStats, type Target } from "../targets.ts";
import { type Latencies, percentile, sentAt } from "./bench_client.ts";
import { cpuMsPerPush } from "./cpu_per_push.ts";
import { openClients, sleep } from "./open_clients.ts";
import { runOpenLoop, type Schedule } from "./schedule.ts";

/**
 * Every client pushes `hz` times a second for `seconds`, on `schedule` (staggered: each at its own
 * phase of the tick; burst: all at once), whether or not earlier pushes were acknowledged.
 */
export async function fanout(t: Target, seconds: number, schedule: Schedule, hz = 20) {
  const lat: Latencies = { ack: [], fanout: [] };
  const clients = (await openClients(t, 10, 10, lat)).flat();
  for (const c of clients) c.create();
  await sleep(300);
  lat.ack.length = lat.fanout.length = 0;
  const before = procStats(t.pid);
  const start = performance.now();
  let x = 1;
  const plan = { schedule, clients: clients.length, periodMs: 1000 / hz };
  const sent = await runOpenLoop(plan, seconds * 1000, (i) => clients[i]!.drag(x++, true));
  await sleep(300);
  const after = procStats(t.pid);
  const elapsed = (performance.now() - start) / 1000;
  for (const c of clients) c.close();
  sentAt.clear();
  return {
    schedule,
    pushesPerSec: Math.round(sent / seconds),
    acked: lat.ack.length,
    ackP50: percentile(lat.ack, 50),
    ackP99: percentile(lat.ack, 99),
    fanP50: percentile(lat.fanout, 50),
    fanP99: percentile(lat.fanout, 99),
    cpuPct: Math.round(((after.cpu - before.cpu) / elapsed) * 100),
    cpuMsPerPush: cpuMsPerPush(after.cpu - before.cpu, lat.ack.length),
    rssMiB: Math.round(after.rssMiB),
  };
}
