// Idle cost of one default server process holding one open room (one connected, silent client):
// server CPU (utime+stime from /proc over BENCH_SECONDS, default 30) and, in-process, KV reads
// per second of the cluster router alone (a counting KV wrapper).
//   deno run -A bench/micro/cluster_idle.ts proc <source root> <deno|bun> [ENV=value ...]
//   deno run -A bench/micro/cluster_idle.ts kv <source root>
//   deno run -A bench/micro/cluster_idle.ts hop <source root> deno [K=V ...]   (two `deno serve` processes, one
//   KV: push→patch latency between clients on the writer vs across the KV bus)
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { BUN, DENO } from "../targets.ts";
import { geoShape, serverSchema as schema } from "../../fixtures/records.ts";

const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 30);
const [mode, root, runtime, ...envPairs] = Deno.args;
if (!root) throw new Error("usage: cluster_idle.ts proc|kv <source root> [deno|bun] [K=V ...]");

function procTicks(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return Number(stat[11]) + Number(stat[12]);
}

async function openClient(port: number, session = "idle"): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/connect/idle?sessionId=${session}`);
  await new Promise((r, j) => (ws.onopen = r, ws.onerror = j));
  ws.send(JSON.stringify({
    type: "connect",
    connectRequestId: "c",
    lastServerClock: -1,
    protocolVersion: 8,
    schema,
  }));
  await new Promise((r) => (ws.onmessage = r));
  return ws;
}

function startServer(port: number, dir: string, env: Record<string, string>): ChildProcess {
  const cmd = runtime === "bun"
    ? [...BUN, "run", "mod.ts"]
    : [...DENO, "serve", "-A", "--host", "127.0.0.1", "--port", String(port), "mod.ts"];
  return spawn(cmd[0]!, cmd.slice(1), {
    cwd: root,
    detached: true,
    env: { ...process.env, TLSYNC_DATA: `${dir}/kv.sqlite3`, PORT: String(port), ...env },
    stdio: "ignore",
  });
}

async function healthy(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      return await (await fetch(`http://127.0.0.1:${port}/health`)).body?.cancel();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function proc(): Promise<void> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const dir = Deno.makeTempDirSync();
  const env = Object.fromEntries(envPairs.map((p) => p.split("=", 2) as [string, string]));
  const child = startServer(port, dir, env);
  try {
    await healthy(port);
    const ws = await openClient(port);
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = procTicks(child.pid!);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpuMs = (procTicks(child.pid!) - t0) * 10;
    console.log(
      `${runtime} ${envPairs.join(" ") || "(default)"} ${root}: ${cpuMs} ms CPU in ${seconds} s` +
        ` = ${(cpuMs / seconds / 10).toFixed(2)}% of a core`,
    );
    ws.close();
  } finally {
    process.kill(-child.pid!, "SIGKILL");
    Deno.removeSync(dir, { recursive: true });
  }
}

async function kv(): Promise<void> {
  const mod = await import(`${root}/mod.ts`);
  const base = await mod.openKv(":memory:");
  let reads = 0;
  const counted = {
    get: (key: unknown) => (reads++, base.get(key)),
    list: (sel: unknown, o: unknown) => (reads++, base.list(sel, o)),
    atomic: () => base.atomic(),
    close: () => base.close(),
  };
  const cluster = mod.createKvCluster(counted);
  const sync = mod.createSyncHandler({ storage: cluster.storage, roomRouter: cluster.roomRouter });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, sync.fetch);
  const ws = await openClient(server.addr.port);
  await new Promise((r) => setTimeout(r, 2000));
  const r0 = reads;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  console.log(`kv ${root}: ${((reads - r0) / seconds).toFixed(1)} KV reads/s (one room, alone)`);
  ws.close();
  await sync.close?.();
  await server.shutdown();
  Deno.exit(0);
}

/** p50/p90 of push→patch latency from `from` to `to` over `n` pushes. */
async function latency(from: WebSocket, to: WebSocket, n: number, tag: string): Promise<string> {
  const sentAt = new Map<string, number>();
  const got: number[] = [];
  to.onmessage = (e) => {
    for (const [id, t] of sentAt) {
      if (String(e.data).includes(id)) (got.push(performance.now() - t), sentAt.delete(id));
    }
  };
  for (let i = 0; i < n; i++) {
    const id = `shape:${tag}${i}`;
    sentAt.set(id, performance.now());
    from.send(JSON.stringify({
      type: "push",
      clientClock: i + 1,
      diff: { [id]: ["put", geoShape(id, i)] },
    }));
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  got.sort((a, b) => a - b);
  const p = (q: number) => got[Math.floor((got.length - 1) * q)]!.toFixed(1);
  return `p50 ${p(0.5)} ms, p90 ${p(0.9)} ms (${got.length}/${n})`;
}

async function hop(): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const ports = [
    21000 + Math.floor(Math.random() * 9000),
    31000 + Math.floor(Math.random() * 9000),
  ];
  const env = Object.fromEntries(envPairs.map((p) => p.split("=", 2) as [string, string]));
  const children = ports.map((p) => startServer(p, dir, env));
  try {
    for (const p of ports) await healthy(p);
    const w1 = await openClient(ports[0]!, "w1"); // first: its process becomes the writer
    const w2 = await openClient(ports[0]!, "w2");
    const f1 = await openClient(ports[1]!, "f1");
    const n = Number(Deno.env.get("BENCH_PUSHES") ?? 200);
    console.log(`writer → writer:   ${await latency(w1, w2, n, "ww")}`);
    console.log(`follower → writer: ${await latency(f1, w1, n, "fw")}`);
    console.log(`writer → follower: ${await latency(w1, f1, n, "wf")}`);
    for (const ws of [w1, w2, f1]) ws.close();
  } finally {
    for (const c of children) process.kill(-c.pid!, "SIGKILL");
    Deno.removeSync(dir, { recursive: true });
  }
}

await (mode === "kv" ? kv() : mode === "hop" ? hop() : proc());
