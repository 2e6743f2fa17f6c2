// Memory per idle connection on Deno, ours against upstream: JS heap (after a full GC) and RSS
// before and after N clients join one room. The heap figure is steadier than the RSS one (which
// also holds heap the GC has not returned, and native socket buffers).
// Usage: deno run -A bench/micro/connection_memory.ts [N=1000]   (ulimit -n above 2×N)
import { DENO, startTarget, type Target } from "../targets.ts";
import { BenchClient, type Latencies } from "../load/bench_client.ts";
import { url } from "../load/open_clients.ts";

const n = Number(Deno.args[0] ?? 1000);
const data = Deno.makeTempDirSync({ prefix: "tlsync-connmem-" });
const env = { TLSYNC_MAX_SESSIONS: "5000", TLSYNC_MAX_PENDING_PER_ROOM: "5000" };

for (const which of ["ours", "upstream"]) {
  const t = await startTarget({
    name: which,
    cmd: (p) => [
      ...DENO,
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      "bench/micro/_heap_probe_server.ts",
      String(p),
    ],
    env: {
      ...env,
      TLSYNC_DATA: `${data}/${which}.kv`,
      HEAP_PROBE_FILE: `${data}/heap.json`,
      HEAP_PROBE_TARGET: which,
    },
  });
  const lat: Latencies = { ack: [], fanout: [] };
  const first = new BenchClient(url(t, "connmem", "first"), lat, "shape:none");
  await first.open(); // the room is loaded before the first reading
  const before = await probe(t);
  const clients: BenchClient[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from(
      { length: Math.min(50, n - i) },
      (_, j) => new BenchClient(url(t, "connmem", `c${i + j}`), lat, "shape:none"),
    );
    await Promise.all(batch.map((c) => c.open()));
    clients.push(...batch);
  }
  const after = await probe(t);
  for (const c of [first, ...clients]) c.close();
  await t.stop();
  const per = (k: keyof Heap) => Math.round((after[k] - before[k]) / n / 102.4) / 10;
  console.log(
    `${which.padEnd(9)} ${n} connections: JS heap ${per("heapUsed")} KiB, heap reserved ` +
      `${per("heapTotal")} KiB, RSS ${per("rss")} KiB per connection`,
  );
}
Deno.removeSync(data, { recursive: true });

interface Heap {
  heapUsed: number;
  heapTotal: number;
  rss: number;
}

/** Ask the server for its heap and wait (at most 10 s) for the file it writes. */
async function probe(t: Target): Promise<Heap> {
  const file = `${data}/heap.json`;
  try {
    Deno.removeSync(file);
  } catch {
    // no earlier reading
  }
  Deno.kill(t.pid, "SIGUSR2");
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      return JSON.parse(Deno.readTextFileSync(file)) as Heap;
    } catch {
      // not written yet
    }
  }
  throw new Error(`${t.name} did not report its heap`);
}
