// CPU of the per-frame metrics (ConnectionMeter.received/sent: message and byte counters, push
// timing) for frames shaped like the sat workload's: a ~150-char push in, its ~100-char
// push_result and a ~250-char broadcast out, plus one 2,000-char broadcast in ten.
// Usage: deno run -A bench/micro/meter_cost.ts [N]  |  bun run bench/micro/meter_cost.ts [N]
import process from "node:process";
import { ConnectionMeter } from "../../src/metrics/connection_meter.ts";
import { SyncMetrics } from "../../src/metrics/sync_metrics.ts";

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 300_000);
const metrics = new SyncMetrics({ now: () => performance.now() });
const meter = new ConnectionMeter(metrics);
const patch = '{"shape:abcdefghij":["patch",{"x":["put",123.456],"y":["put",789.012]}]}';
const push = (i: number): string =>
  `{"type":"push","clientClock":${i},"diff":{"put":{},"patch":${patch}},"presence":null}`;
const result = (i: number): string =>
  `{"type":"push_result","clientClock":${i},"serverClock":${i + 1},"action":"commit"}`;
const broadcast = `{"type":"data","data":[{"type":"patch","diff":${
  patch.repeat(2)
},"serverClock":1}]}`;
const large = broadcast.padEnd(2000, " ");

function round(): number {
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    meter.received(push(i));
    meter.sent(result(i));
    meter.sent(i % 10 === 0 ? large : broadcast);
  }
  return ((performance.now() - start) * 1e6) / N;
}

for (let r = 0; r < 5; r++) {
  console.log(
    `round ${r}: ${round().toFixed(0)} ns per push (1 frame in, 2 out, frame building included)`,
  );
}
