// The cluster bus at rest and at low rate: two server processes on one KV file, a client on
// each (the first process becomes the room's writer, the second follows it through the bus).
// Prints the KV reads per second of each process while nobody sends (a counting KvLike wrapper
// counts every get/list call made through the handle), then follower push → push_result latency
// for the first push after 2 s of silence and at a steady 20 Hz.
//   deno run -A bench/micro/bus_cost.ts run <source root> [K=V ...]
// K=V pairs become createKvCluster options read by each member (bus_cost_member.ts) (numbers or strings), e.g.
// busWake=poll maxIdlePollMs=100. <source root> is any checkout of this project (before/after).
//   BENCH_IDLE_S (default 10)  BENCH_ROUNDS (first-after-idle pushes, default 12)
//   BENCH_STEADY (steady pushes, default 200)  BENCH_BREAKDOWN=1 (reads per key kind)
//   BENCH_INPROC=1: both members in one process sharing one KV handle (so busWake=watch works
//   on a local file: a handle's watch reports its own writes, not other processes')
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { geoShape, serverSchema as schema } from "../../fixtures/records.ts";

const [mode, root, ...rest] = Deno.args;
if (!root) throw new Error("usage: bus_cost.ts run <source root> [K=V ...]");

function start(port: string, kvPath: string): ChildProcess {
  // The member script is run from the benched checkout (copy it there for an older one).
  return spawn(
    Deno.execPath(),
    ["run", "-A", `${root}/bench/micro/bus_cost_member.ts`, port, kvPath, ...rest],
    { cwd: root, detached: true, stdio: "inherit", env: { ...process.env, RUST_BACKTRACE: "0" } },
  );
}

interface Reads {
  reads: number;
  byKind: Record<string, number>;
}

async function readsOf(port: number): Promise<Reads> {
  for (let i = 0; i < 300; i++) {
    try {
      return await (await fetch(`http://127.0.0.1:${port}/__kv_reads`)).json();
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`server on ${port} did not start`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Client {
  ws: WebSocket;
  acks: Map<number, () => void>;
}

async function connect(port: number, session: string): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/connect/bus?sessionId=${session}`);
  await new Promise((r, j) => (ws.onopen = r, ws.onerror = j));
  const acks = new Map<number, () => void>();
  const connected = new Promise((r) => {
    ws.onmessage = (e) => {
      const text = String(e.data);
      if (text.includes('"type":"connect"')) r(null);
      if (!text.includes("push_result")) return;
      const msg = JSON.parse(text);
      for (const m of msg.type === "data" ? msg.data : [msg]) {
        if (m.type === "push_result") acks.get(m.clientClock)?.();
      }
    };
  });
  ws.send(JSON.stringify({
    type: "connect",
    connectRequestId: "c",
    lastServerClock: -1,
    protocolVersion: 8,
    schema,
  }));
  await connected;
  return { ws, acks };
}

let clock = 0;
/** ms from sending a push to its push_result. */
async function pushAck(c: Client): Promise<number> {
  const n = ++clock;
  const id = `shape:b${n}`;
  const acked = new Promise<void>((r) => c.acks.set(n, r));
  const t0 = performance.now();
  c.ws.send(
    JSON.stringify({ type: "push", clientClock: n, diff: { [id]: ["put", geoShape(id, n)] } }),
  );
  await Promise.race([acked, sleep(10_000).then(() => Promise.reject(new Error("no ack")))]);
  return performance.now() - t0;
}

function pct(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor((s.length - 1) * q))]!.toFixed(1);
  return `p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${s.at(-1)!.toFixed(1)} ms (n=${s.length})`;
}

async function run(): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const kvPath = `${dir}/kv.sqlite3`;
  const ports = [
    21000 + Math.floor(Math.random() * 9000),
    31000 + Math.floor(Math.random() * 9000),
  ];
  // BENCH_INPROC=1: both members in one process on one KV handle (its watch sees both).
  const children = Deno.env.get("BENCH_INPROC")
    ? [start(ports.join(","), kvPath)]
    : ports.map((p) => start(String(p), kvPath));
  try {
    for (const p of ports) await readsOf(p);
    const writer = await connect(ports[0]!, "w");
    const follower = await connect(ports[1]!, "f");
    await sleep(3000);
    const idleS = Number(Deno.env.get("BENCH_IDLE_S") ?? 10);
    const r0 = await Promise.all(ports.map(readsOf));
    await sleep(idleS * 1000);
    const r1 = await Promise.all(ports.map(readsOf));
    const perS = r1.map((r, i) => (r.reads - r0[i]!.reads) / idleS);
    console.log(
      `idle KV reads/s: writer ${perS[0]!.toFixed(1)}, follower ${perS[1]!.toFixed(1)}, ` +
        `total ${(perS[0]! + perS[1]!).toFixed(1)}  (${rest.join(" ") || "defaults"})`,
    );
    if (Deno.env.get("BENCH_BREAKDOWN")) {
      r1.forEach((r, i) => {
        const by = Object.entries(r.byKind).map(([k, n]) => [k, n - (r0[i]!.byKind[k] ?? 0)]);
        console.log(`  ${i ? "follower" : "writer"}: ${JSON.stringify(Object.fromEntries(by))}`);
      });
    }
    const first: number[] = [];
    for (let i = 0; i < Number(Deno.env.get("BENCH_ROUNDS") ?? 12); i++) {
      await sleep(2000 + Math.random() * 250); // random phase against the readers' poll timers
      first.push(await pushAck(follower));
    }
    console.log(`follower push→ack, first after 2 s idle: ${pct(first)}`);
    const steady: number[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < Number(Deno.env.get("BENCH_STEADY") ?? 200); i++) {
      pending.push(pushAck(follower).then((ms) => void steady.push(ms)));
      await sleep(50);
    }
    await Promise.all(pending);
    console.log(`follower push→ack, steady 20 Hz: ${pct(steady)}`);
    writer.ws.close();
    follower.ws.close();
  } finally {
    for (const c of children) {
      try {
        process.kill(-c.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
    Deno.removeSync(dir, { recursive: true });
  }
}

if (mode !== "run") throw new Error("usage: bus_cost.ts run <source root> [K=V ...]");
await run().then(() => Deno.exit(0));
