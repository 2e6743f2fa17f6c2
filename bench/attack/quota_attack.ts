// Quota attack: one client pushes records of 8 MiB each (chunked like the tldraw client) into
// one room until the server refuses or N pushes were sent; the server's RSS after each push,
// then whether a fresh client can still join the room (also after a restart on the same data) and
// whether the admin API still answers.
// The pushes are paced to QUOTA_FRAMES_PER_SECOND (80) frames a second, under the default rate
// limit, so the figure is about storage and memory rather than the rate limiter.
// Run: deno run -A bench/attack/quota_attack.ts
//   (ATTACK_RUNTIMES, QUOTA_PUSHES=66, QUOTA_MIB=8, QUOTA_FRAMES_PER_SECOND=80,
//   QUOTA_RSS_CAP_MIB=3072: the server is killed above it)
import { bigShape, chunked, connectFrame, PING, putFrame } from "./_frames.ts";
import {
  fmtMs,
  loadavg,
  rssMiB,
  type Runtime,
  runtimes,
  type Server,
  sleep,
  startServer,
} from "./_shared.ts";
import { type Message, openSocket, type Socket } from "./_ws.ts";

const PUSHES = Number(Deno.env.get("QUOTA_PUSHES") ?? 66);
const RECORD_MIB = Number(Deno.env.get("QUOTA_MIB") ?? 8);
const RSS_CAP_MIB = Number(Deno.env.get("QUOTA_RSS_CAP_MIB") ?? 3 * 1024);
const FRAMES_PER_SECOND = Number(Deno.env.get("QUOTA_FRAMES_PER_SECOND") ?? 80);
const ACK_TIMEOUT_MS = 60_000;
const ADMIN_TOKEN = "attack-bench-admin";
const ROOM = "quota-room";
const ENV = { TLSYNC_ADMIN_TOKEN: ADMIN_TOKEN };

export interface QuotaResult {
  runtime: Runtime;
  pushes: { n: number; outcome: string; ms: number; rssMiB: number }[];
  stoppedBecause: string;
  peakRssMiB: number;
  freshJoin: string;
  admin: string;
  serverAlive: boolean;
  afterRestart: string;
  /** Set when the watchdog killed the server. */
  killed?: string;
}

function outcomeOf(m: Message): string {
  const action = m["action"];
  return typeof action === "string" ? action : "rebase";
}

/** Push one big record; the push_result action, the close, or a timeout. */
async function pushOnce(server: Server, socket: Socket, n: number): Promise<string> {
  const message = putFrame(n, bigShape(`shape:big${n}`, RECORD_MIB * 1024 * 1024));
  const parts = chunked(message);
  for (const part of parts) await socket.send(part);
  // Stay under the message rate limit (100/s by default), as a patient attacker would.
  const paced = sleep((parts.length / FRAMES_PER_SECOND) * 1000);
  const deadline = Date.now() + ACK_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const m = await socket.next(
      (m) => m["type"] === "push_result" && m["clientClock"] === n,
      250,
    );
    if (m) return (await paced, outcomeOf(m));
    if (socket.isClosed()) {
      const { code, reason } = await socket.closed;
      return `closed ${code} ${reason}`.trim();
    }
    if (!server.alive()) return "server exited (or killed over the RSS cap)";
  }
  return `no answer in ${ACK_TIMEOUT_MS / 1000} s`;
}

/** Can a new client join the room? The connect reply's size and time, or what happened. */
async function freshJoin(server: Server): Promise<string> {
  const start = performance.now();
  const socket = await openSocket(server.port, `/connect/${ROOM}?sessionId=fresh`);
  if (!("send" in socket)) return `refused: HTTP ${socket.status} ${socket.detail}`;
  try {
    await socket.send(connectFrame("fresh"));
    const reply = await socket.next((m) => m["type"] === "connect", 30_000);
    if (reply) {
      const size = typeof reply["bytes"] === "number"
        ? ` (${(reply["bytes"] / 1048576).toFixed(0)} MiB reply)`
        : "";
      return `joined in ${fmtMs(performance.now() - start)}${size}`;
    }
    if (socket.isClosed()) {
      const { code, reason } = await socket.closed;
      return `closed ${code} ${reason}`.trim();
    }
    return "no connect reply in 30 s";
  } finally {
    socket.close();
  }
}

async function adminProbe(server: Server): Promise<string> {
  const start = performance.now();
  try {
    const res = await fetch(`${server.base}/admin/rooms/${ROOM}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(30_000),
    });
    const body = await res.arrayBuffer();
    const kib = (body.byteLength / 1024).toFixed(0);
    return `HTTP ${res.status} in ${fmtMs(performance.now() - start)} (${kib} KiB)`;
  } catch (error) {
    return `failed: ${(error as Error).name === "TimeoutError" ? "no answer in 30 s" : error}`;
  }
}

/** Keep the attacker's session alive (20 s idle timeout) while the server is busy. */
function keepAlive(socket: Socket): () => void {
  const timer = setInterval(() => socket.send(PING), 5000);
  return () => clearInterval(timer);
}

export async function quotaAttack(runtime: Runtime): Promise<QuotaResult> {
  const dataDir = Deno.makeTempDirSync({ prefix: "tlsync-attack-quota-" });
  try {
    const result = await attack(runtime, dataDir);
    const server = await startServer(runtime, ENV, undefined, dataDir).catch((e) => String(e));
    if (typeof server === "string") result.afterRestart = `server did not start: ${server}`;
    else {
      try {
        result.afterRestart = await freshJoin(server);
      } finally {
        await server.stop();
      }
    }
    console.log(`  quota ${runtime} after restart: ${result.afterRestart}`);
    return result;
  } finally {
    Deno.removeSync(dataDir, { recursive: true });
  }
}

/** The attacker: connect, then push until a push is not committed or PUSHES were sent. */
async function pushAll(server: Server, result: QuotaResult): Promise<void> {
  const socket = await openSocket(server.port, `/connect/${ROOM}?sessionId=attacker`);
  if (!("send" in socket)) {
    result.stoppedBecause = `attacker refused: HTTP ${socket.status} ${socket.detail}`;
    return;
  }
  const stopPings = keepAlive(socket);
  try {
    await socket.send(connectFrame());
    if (!(await socket.next((m) => m["type"] === "connect", 30_000))) {
      result.stoppedBecause = "attacker got no connect reply";
      return;
    }
    for (let n = 1; n <= PUSHES; n++) {
      const start = performance.now();
      const outcome = await pushOnce(server, socket, n);
      const row = { n, outcome, ms: performance.now() - start, rssMiB: rssMiB(server.pid) };
      result.pushes.push(row);
      const rss = row.rssMiB.toFixed(0);
      console.log(
        `  quota ${result.runtime} push ${n}: ${outcome} in ${fmtMs(row.ms)}, RSS ${rss} MiB`,
      );
      if (outcome !== "commit") {
        result.stoppedBecause = `push ${n}: ${outcome}`;
        return;
      }
    }
  } finally {
    stopPings();
    socket.close();
  }
}

/** Kill the server once its RSS passes the cap (checked every 250 ms); track the peak. */
function watchRss(server: Server, result: QuotaResult): () => void {
  const timer = setInterval(() => {
    result.peakRssMiB = Math.max(result.peakRssMiB, rssMiB(server.pid) || 0);
    if (result.peakRssMiB > RSS_CAP_MIB && server.alive()) {
      result.killed = `server killed at RSS > ${RSS_CAP_MIB} MiB`;
      server.stop();
    }
  }, 250);
  return () => clearInterval(timer);
}

async function attack(runtime: Runtime, dataDir: string): Promise<QuotaResult> {
  const server = await startServer(runtime, ENV, undefined, dataDir);
  const result: QuotaResult = {
    runtime,
    pushes: [],
    stoppedBecause: `sent ${PUSHES} pushes`,
    peakRssMiB: rssMiB(server.pid),
    freshJoin: "–",
    admin: "–",
    serverAlive: true,
    afterRestart: "–",
  };
  const stopWatching = watchRss(server, result);
  try {
    await pushAll(server, result);
    if (server.alive() && !result.killed) {
      await sleep(1000);
      result.freshJoin = await freshJoin(server);
      result.admin = await adminProbe(server);
      console.log(`  quota ${runtime} fresh client: ${result.freshJoin}; admin: ${result.admin}`);
    }
    result.serverAlive = server.alive();
  } finally {
    stopWatching();
    await server.stop();
  }
  return result;
}

export function quotaTable(results: QuotaResult[]): string {
  const lines = [
    "| runtime | pushes accepted | stopped because | RSS after last push | peak RSS | fresh client | GET /admin/rooms/:id | fresh client after restart |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of results) {
    const accepted = r.pushes.filter((p) => p.outcome === "commit").length;
    const last = r.pushes[r.pushes.length - 1]?.rssMiB ?? NaN;
    const stopped = r.killed ? `${r.stoppedBecause} (${r.killed})` : r.stoppedBecause;
    lines.push(
      `| ${r.runtime} | ${accepted} × ${RECORD_MIB} MiB | ${stopped} | ` +
        `${Number.isFinite(last) ? `${last.toFixed(0)} MiB` : "–"} | ${
          r.peakRssMiB.toFixed(0)
        } MiB | ` +
        `${r.freshJoin} | ${r.admin} | ${r.afterRestart} |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  console.log(`load before: ${loadavg()}`);
  const results = [];
  for (const runtime of runtimes()) results.push(await quotaAttack(runtime));
  console.log(`load after: ${loadavg()}\n\n${quotaTable(results)}`);
  Deno.exit(0);
}
