// How long the unfurl metadata parser takes on adversarial pages, and how long it blocks the
// server's event loop. `/unfurl` refuses loopback targets (SSRF guard), so:
//  1. the parser runs in a child process per page (killed after 30 s), under each runtime;
//  2. a small server (unfurl_server.ts: createSyncHandler + unfurlRoute with an injected fetch
//     serving the page from memory) parses one page per /unfurl request while a client pings a
//     room every 50 ms; the largest gap between pongs is how long the event loop was blocked.
// Run: deno run -A bench/attack/unfurl_pages.ts
//   (ATTACK_RUNTIMES=deno,bun; UNFURL_PARSER=src/unfurl/parse_metadata.ts#parseMetadata)
import { connectFrame, PING } from "./_frames.ts";
import { PAGE_KINDS, type PageKind } from "./_pages.ts";
import {
  binary,
  fmtMs,
  killGroup,
  loadavg,
  type Runtime,
  runtimes,
  sleep,
  spawnGroup,
  startServer,
} from "./_shared.ts";
import { openSocket, type Socket } from "./_ws.ts";

const KiB = 1024;
export const SIZES: number[] = [16 * KiB, 64 * KiB, 256 * KiB, 1024 * KiB];
const CHILD_TIMEOUT_MS = 30_000;

/** One parse: milliseconds, or null when killed at the timeout. */
async function parseOnce(runtime: Runtime, kind: PageKind, bytes: number): Promise<number | null> {
  const bin = await binary(runtime);
  const script = "bench/attack/_parse_child.ts";
  const argv = runtime === "deno" ? [bin, "run", "-A", script] : [bin, "run", script];
  const child = spawnGroup([...argv, kind, String(bytes)], {
    PATH: Deno.env.get("PATH") ?? "",
    ...(Deno.env.get("UNFURL_PARSER") ? { UNFURL_PARSER: Deno.env.get("UNFURL_PARSER")! } : {}),
  });
  let timedOut = false;
  const timer = setTimeout(() => (timedOut = true, killGroup(child)), CHILD_TIMEOUT_MS);
  try {
    const [out, err] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.status,
    ]);
    if (timedOut) return null;
    const line = out.trim().split("\n").pop() ?? "";
    if (!line.startsWith("{")) throw new Error(`parse child failed: ${err.slice(-500)}`);
    return JSON.parse(line).ms as number;
  } finally {
    clearTimeout(timer);
    killGroup(child);
  }
}

export interface ParseRow {
  runtime: Runtime;
  kind: PageKind;
  /** By size in KiB: ms, or a string such as ">30 s (≈190 s)". */
  times: Record<string, number | string>;
}

/** Extrapolate to `size` from the last two measured points (power law, exponent 1–3). */
function extrapolate(points: [number, number][], size: number): number {
  const [s1, t1] = points[points.length - 2] ?? [0, 0];
  const [s2, t2] = points[points.length - 1]!;
  const k = t1 > 1 ? Math.min(3, Math.max(1, Math.log(t2 / t1) / Math.log(s2 / s1))) : 2;
  return t2 * (size / s2) ** k;
}

/** Parse times of one page kind over SIZES (1 MiB only when it should end within 30 s). */
export async function parseRow(runtime: Runtime, kind: PageKind): Promise<ParseRow> {
  const times: Record<string, number | string> = {};
  const points: [number, number][] = [];
  let stopped = false;
  for (const size of SIZES) {
    const label = `${size / KiB}`;
    const last = points[points.length - 1];
    // 1 MiB only when 256 KiB took < 2 s or the extrapolation says it ends before the kill.
    const slow = last !== undefined && last[1] >= 2000 &&
      extrapolate(points, size) > CHILD_TIMEOUT_MS;
    if (stopped || (size === 1024 * KiB && slow)) {
      times[label] = points.length > 0
        ? `skipped (≈${fmtMs(extrapolate(points, size))})`
        : "skipped";
      continue;
    }
    const ms = await parseOnce(runtime, kind, size).catch((e) => String(e).slice(0, 120));
    if (typeof ms === "string") {
      times[label] = `error: ${ms}`;
      stopped = true;
      continue;
    }
    if (ms === null) {
      const guess = points.length > 0 ? ` (≈${fmtMs(extrapolate(points, size))})` : "";
      times[label] = `>30 s${guess}`;
      stopped = true;
      continue;
    }
    times[label] = ms;
    points.push([size, ms]);
  }
  return { runtime, kind, times };
}

export interface BlockRow {
  runtime: Runtime;
  kind: PageKind;
  bytes: number;
  /** /unfurl status and duration, and the largest gap between pongs while it was in flight. */
  status: number | string;
  requestMs: number;
  maxPongGapMs: number;
  pongs: number;
}

/** Ping every 50 ms; `stop()` gives the arrival times of the pongs. */
function startPinging(socket: Socket): { stop(): Promise<number[]> } {
  const pongAt: number[] = [];
  let done = false;
  const pinger = (async () => {
    while (!done && !socket.isClosed()) {
      await socket.send(PING);
      await sleep(50);
    }
  })();
  const collector = (async () => {
    while (!done && !socket.isClosed()) {
      if (await socket.next((m) => m["type"] === "pong", 1000)) pongAt.push(performance.now());
    }
  })();
  return {
    stop: async () => {
      done = true;
      await Promise.all([pinger, collector]);
      return pongAt;
    },
  };
}

/** GET /unfurl for the page: its HTTP status (or why none) within 120 s. */
async function unfurlOnce(base: string, kind: PageKind, bytes: number): Promise<number | string> {
  const target = encodeURIComponent(`https://attack.example/${kind}/${bytes}`);
  try {
    const res = await fetch(`${base}/unfurl?url=${target}`, {
      signal: AbortSignal.timeout(120_000),
    });
    await res.body?.cancel();
    return res.status;
  } catch (error) {
    return (error as Error).name === "TimeoutError" ? "no answer in 120 s" : String(error);
  }
}

/** The longest stretch in [start, end] (plus the first pong after it) without a pong. */
function maxGap(pongAt: number[], start: number, end: number): number {
  const after = pongAt.find((t) => t >= end) ?? end;
  const points = [start, ...pongAt.filter((t) => t > start && t < end), after];
  let gap = 0;
  for (let i = 1; i < points.length; i++) gap = Math.max(gap, points[i]! - points[i - 1]!);
  return gap;
}

/** One /unfurl of a page while a room client pings every 50 ms. */
async function blockOnce(
  base: string,
  port: number,
  kind: PageKind,
  bytes: number,
): Promise<Omit<BlockRow, "runtime" | "kind" | "bytes">> {
  const socket = await openSocket(port, `/connect/ping-room?sessionId=pinger`);
  if (!("send" in socket)) throw new Error(`pinger refused: ${socket.detail}`);
  try {
    await socket.send(connectFrame());
    if (!(await socket.next((m) => m["type"] === "connect", 30_000))) throw new Error("no connect");
    const pinging = startPinging(socket);
    await sleep(300);
    const start = performance.now();
    const status = await unfurlOnce(base, kind, bytes);
    const end = performance.now();
    await sleep(300);
    const pongAt = await pinging.stop();
    const maxPongGapMs = maxGap(pongAt, start, end);
    return { status, requestMs: end - start, maxPongGapMs, pongs: pongAt.length };
  } finally {
    socket.close();
  }
}

/** The event-loop measure for each kind, at the largest size whose parse took < 10 s. */
export async function blockRows(runtime: Runtime, parsed: ParseRow[]): Promise<BlockRow[]> {
  const server = await startServer(runtime, {}, "bench/attack/unfurl_server.ts");
  const rows: BlockRow[] = [];
  try {
    for (const row of parsed) {
      const ok = SIZES.filter((s) => {
        const t = row.times[`${s / KiB}`];
        return typeof t === "number" && t < 10_000;
      });
      const bytes = ok[ok.length - 1];
      if (bytes === undefined) continue;
      const r = await blockOnce(server.base, server.port, row.kind, bytes);
      rows.push({ runtime, kind: row.kind, bytes, ...r });
      console.log(`  block ${runtime} ${row.kind} ${bytes / KiB} KiB: ${JSON.stringify(r)}`);
    }
  } finally {
    await server.stop();
  }
  return rows;
}

export async function unfurlBench(
  runtime: Runtime,
): Promise<{ parse: ParseRow[]; block: BlockRow[] }> {
  const parse: ParseRow[] = [];
  for (const kind of PAGE_KINDS) {
    const row = await parseRow(runtime, kind);
    parse.push(row);
    console.log(`  parse ${runtime} ${kind}: ${JSON.stringify(row.times)}`);
  }
  return { parse, block: await blockRows(runtime, parse) };
}

export function unfurlTable(results: { parse: ParseRow[]; block: BlockRow[] }[]): string {
  const cell = (v: number | string | undefined) => typeof v === "number" ? fmtMs(v) : v ?? "–";
  const lines = [
    "| runtime | page | 16 KiB | 64 KiB | 256 KiB | 1 MiB | /unfurl (size) | max pong gap |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const { parse, block } of results) {
    for (const p of parse) {
      const b = block.find((x) => x.kind === p.kind);
      const req = b ? `${b.status} in ${fmtMs(b.requestMs)} (${b.bytes / KiB} KiB)` : "–";
      const sizes = SIZES.map((s) => cell(p.times[`${s / KiB}`])).join(" | ");
      lines.push(
        `| ${p.runtime} | ${p.kind} | ${sizes} | ${req} | ${b ? fmtMs(b.maxPongGapMs) : "–"} |`,
      );
    }
  }
  return lines.join("\n");
}

if (import.meta.main) {
  console.log(`load before: ${loadavg()}`);
  const results = [];
  for (const runtime of runtimes()) results.push(await unfurlBench(runtime));
  console.log(`load after: ${loadavg()}\n\n${unfurlTable(results)}`);
  Deno.exit(0);
}
