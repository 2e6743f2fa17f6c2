// What the shape of a room commit costs the KV, on a store that looks like a busy server's
// (100 rooms, each with a head, 50 documents and a kept log that grows with every commit):
//   rooms:    today's shape, per room: check head + set log/<clock> + rewrite head
//   log-only: per room: check log/<seq> absent + set log/<seq> (no head rewrite)
//   journal:  per room: check head; one shared value holding every room's entry, under one key
//             at the end of a journal range (one write per atomic)
// CPU µs (all threads, process.cpuUsage) per atomic and per room commit, R rooms per atomic.
// Usage: deno run -A bench/micro/journal_shape_cost.ts [N] | bun run bench/micro/journal_shape_cost.ts [N]
import process from "node:process";
import { openKv } from "../../src/runtime/open_kv.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 4000);
const ROOMS = 100;
const dir = `/tmp/tlsync-jshape-${process.pid}`;
const enc = new TextEncoder();
const entry = (clock: number): Uint8Array =>
  enc.encode(JSON.stringify({
    v: 1,
    clock,
    time: Date.now(),
    puts: [{ state: { id: "shape:abcdefghijklmnopqrstu", x: clock, pad: "x".repeat(250) } }],
    deletes: {},
    pruned: [],
    historyStart: 0,
    records: 50,
  }));
const root = (r: number): KvKey => ["tlsync", "room", `r${r.toString(36).padStart(12, "0")}`];
const head = enc.encode(
  JSON.stringify({ v: 1, documentClock: 1, tombstoneHistoryStartsAtClock: 0 }),
);

type Shape = "rooms" | "log-only" | "journal";
const clocks = new Array<number>(ROOMS).fill(1);
const headVs = new Array<string | null>(ROOMS).fill(null);
let journalSeq = 0;
let nextRoom = 0;

async function populate(kv: KvLike): Promise<void> {
  for (let r = 0; r < ROOMS; r++) {
    const op = kv.atomic();
    op.set([...root(r), "head"], head);
    for (let d = 0; d < 50; d++) op.set([...root(r), "doc", `shape:${d}`], entry(d));
    const res = await op.commit();
    if (!res.ok) throw new Error("populate failed");
    headVs[r] = res.versionstamp;
  }
}

async function atomic(kv: KvLike, shape: Shape, rooms: number): Promise<void> {
  const op = kv.atomic();
  const picked: number[] = [];
  const parts: Uint8Array[] = [];
  for (let i = 0; i < rooms; i++) {
    const r = nextRoom++ % ROOMS;
    picked.push(r);
    const clock = ++clocks[r]!;
    const e = entry(clock);
    if (shape === "rooms") {
      op.check({ key: [...root(r), "head"], versionstamp: headVs[r]! });
      op.set([...root(r), "log", clock], e);
      op.set([...root(r), "head"], head);
    } else if (shape === "log-only") {
      op.check({ key: [...root(r), "log", clock], versionstamp: null });
      op.set([...root(r), "log", clock], e);
    } else {
      op.check({ key: [...root(r), "head"], versionstamp: headVs[r]! });
      parts.push(e);
    }
  }
  if (shape === "journal") {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const value = new Uint8Array(total);
    let at = 0;
    for (const p of parts) value.set(p, (at += p.length) - p.length);
    op.set(["tlsync", "journal", "w1", ++journalSeq], value);
  }
  const res = await op.commit();
  if (!res.ok) throw new Error(`${shape}: commit failed`);
  if (shape === "rooms") { for (const r of picked) headVs[r] = res.versionstamp; }
}

async function row(shape: Shape, rooms: number): Promise<string> {
  const kv = await openKv(`${dir}/${shape}-${rooms}.kv`);
  await populate(kv);
  for (let i = 0; i < 200; i++) await atomic(kv, shape, rooms); // warm-up
  const atomics = Math.max(1, Math.floor(N / rooms));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < atomics; i++) await atomic(kv, shape, rooms);
  const wall = (performance.now() - t0) * 1000;
  const c = process.cpuUsage(cpu0);
  kv.close();
  const cpu = c.user + c.system;
  return `| ${shape.padEnd(8)} | ${String(rooms).padStart(5)} | ${
    (wall / atomics).toFixed(0).padStart(6)
  } | ${(cpu / atomics).toFixed(0).padStart(6)} | ${
    (cpu / (atomics * rooms)).toFixed(1).padStart(6)
  } |`;
}

const { mkdirSync, rmSync } = await import("node:fs");
mkdirSync(dir, { recursive: true });
console.log(`runtime: ${"Bun" in globalThis ? "bun" : "deno"}; N=${N} room commits per row`);
console.log(
  "| shape | rooms/atomic | wall µs/atomic | CPU µs/atomic | CPU µs/room |\n|---|---|---|---|---|",
);
try {
  for (const rooms of [1, 8, 32]) {
    for (const shape of ["rooms", "log-only", "journal"] as const) {
      console.log(await row(shape, rooms));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
