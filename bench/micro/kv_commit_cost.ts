// Cost of one KV commit by shape (sets and checks per atomic, key length, atomics in flight), on
// native Deno KV or @deno/kv (Bun), against a plain SQLite WAL transaction (node:sqlite on Deno,
// bun:sqlite on Bun) doing the same writes (synchronous=NORMAL and FULL: what KV's own SQLite
// does per commit is not ours to choose). Wall and process CPU (all threads) per commit and per
// room commit (1 head check + record set + head set, what one push costs the store today).
// On Bun, both KV drivers: SqliteKv (bun:sqlite, the default) and @deno/kv.
// Usage: deno run -A bench/micro/kv_commit_cost.ts [N]  |  bun run bench/micro/kv_commit_cost.ts [N]
import process from "node:process";
import { type BunKvDriver, openKv } from "../../src/runtime/open_kv.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3000);
const dir = `/tmp/tlsync-kvcost-${process.pid}`;
const value = new TextEncoder().encode(JSON.stringify({ c: 1, s: { pad: "x".repeat(300) } }));
const room = (r: number): KvKey => ["tlsync", "room", `r${r.toString(36).padStart(12, "0")}`];
const longDoc = (
  r: number,
  i: number,
): KvKey => [...room(r), "doc", `shape:${i.toString(36).padStart(21, "0")}`];
const shortDoc = (_r: number, i: number): KvKey => ["d", i];
let seq = 0;

interface Shape {
  name: string;
  /** Room commits per atomic (each: 1 check when `checks`, `sets` sets). */
  rooms: number;
  sets: number;
  checks: boolean;
  inFlight?: number;
  key?: (r: number, i: number) => KvKey;
}

async function measure(kv: KvLike, s: Shape): Promise<string> {
  const atomics = Math.max(1, Math.floor(N / s.rooms));
  const one = async (): Promise<void> => {
    const op = kv.atomic();
    for (let r = 0; r < s.rooms; r++) {
      const id = seq++;
      if (s.checks) op.check({ key: [...room(id), "check"], versionstamp: null });
      for (let k = 0; k < s.sets; k++) op.set((s.key ?? longDoc)(id, k), value);
    }
    const res = await op.commit();
    if (!res.ok) throw new Error("commit failed");
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lanes = s.inFlight ?? 1;
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    for (let i = lane; i < atomics; i += lanes) await one();
  }));
  const wall = (performance.now() - t0) * 1000;
  const c = process.cpuUsage(cpu0);
  const cpu = c.user + c.system;
  const rooms = atomics * s.rooms;
  return `| ${s.name.padEnd(44)} | ${(wall / atomics).toFixed(0).padStart(6)} | ${
    (cpu / atomics).toFixed(0).padStart(6)
  } | ${(cpu / rooms).toFixed(1).padStart(7)} |`;
}

const SHAPES: Shape[] = [
  { name: "1 set, no check", rooms: 1, sets: 1, checks: false },
  { name: "1 set, no check, short key", rooms: 1, sets: 1, checks: false, key: shortDoc },
  { name: "10 sets, no check", rooms: 10, sets: 1, checks: false },
  { name: "room: 1 check + 2 sets", rooms: 1, sets: 2, checks: true },
  { name: "room: 1 check + 2 sets, 4 in flight", rooms: 1, sets: 2, checks: true, inFlight: 4 },
  { name: "10 rooms: 10 checks + 20 sets", rooms: 10, sets: 2, checks: true },
  { name: "10 rooms, no checks, 10 sets (head only)", rooms: 10, sets: 1, checks: false },
  { name: "50 rooms: 50 checks + 100 sets", rooms: 50, sets: 2, checks: true },
  { name: "50 rooms, no checks, 100 sets", rooms: 50, sets: 2, checks: false },
  { name: "100 rooms: 100 checks + 200 sets", rooms: 100, sets: 2, checks: true },
];

async function kvTable(path: string, bunDriver?: BunKvDriver): Promise<void> {
  const kv = await openKv(path, { bunDriver });
  await measure(kv, { name: "warm-up", rooms: 1, sets: 2, checks: true }); // JIT, file creation
  const driver = "Bun" in globalThis ? ` via ${kv.constructor.name}` : "";
  console.log(
    `\nKV ${path.startsWith("/") ? "file" : path}${driver} (N=${N} room commits per row)`,
  );
  console.log("| atomic shape | wall µs/atomic | CPU µs/atomic | CPU µs/room |\n|---|---|---|---|");
  for (const s of SHAPES) {
    try {
      console.log(await measure(kv, s));
    } catch (error) {
      console.log(`| ${s.name} | refused: ${String(error).split("\n")[0]!.slice(0, 60)} | | |`);
    }
  }
  kv.close();
}

interface Db {
  exec(sql: string): void;
  prepare(sql: string): { run(...a: unknown[]): unknown; get(...a: unknown[]): unknown };
}

async function sqliteTable(synchronous: "NORMAL" | "FULL"): Promise<void> {
  const bun = "Bun" in globalThis;
  const mod = bun ? "bun:sqlite" : "node:sqlite";
  const m = await import(mod);
  const file = `${dir}/s-${synchronous}.db`;
  const db: Db = bun ? new m.Database(file) : new m.DatabaseSync(file);
  db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=${synchronous};`);
  db.exec("CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB, vs INTEGER) WITHOUT ROWID");
  const get = db.prepare("SELECT vs FROM kv WHERE k = ?");
  const put = db.prepare("INSERT OR REPLACE INTO kv (k, v, vs) VALUES (?, ?, ?)");
  const enc = new TextEncoder();
  console.log(
    `\n${mod} WAL, synchronous=${synchronous}: same writes, key = UTF-8 of the joined key`,
  );
  console.log("| transaction | wall µs/txn | CPU µs/txn | CPU µs/room |\n|---|---|---|---|");
  for (const rooms of [1, 10, 100]) {
    const txns = Math.floor(N / rooms);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let t = 0; t < txns; t++) {
      db.exec("BEGIN");
      for (let r = 0; r < rooms; r++) {
        const id = seq++;
        get.get(enc.encode(room(id).join("/") + "/head"));
        put.run(enc.encode(longDoc(id, 0).join("/")), value, t);
        put.run(enc.encode(room(id).join("/") + "/head"), value, t);
      }
      db.exec("COMMIT");
    }
    const wall = (performance.now() - t0) * 1000;
    const c = process.cpuUsage(cpu0);
    const cpu = c.user + c.system;
    console.log(
      `| ${rooms} room(s): ${rooms} reads + ${2 * rooms} upserts | ${(wall / txns).toFixed(0)} | ${
        (cpu / txns).toFixed(0)
      } | ${(cpu / (txns * rooms)).toFixed(1)} |`,
    );
  }
}

const { mkdirSync, rmSync } = await import("node:fs");
mkdirSync(dir, { recursive: true });
console.log(
  `runtime: ${"Bun" in globalThis ? "bun" : "deno"}; loadavg ${
    (await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")
  }`,
);
try {
  // On Bun: the default (SqliteKv over bun:sqlite) and @deno/kv (TLSYNC_BUN_KV=deno-kv).
  for (const driver of "Bun" in globalThis ? ["sqlite", "deno-kv"] as const : [undefined]) {
    await kvTable(`${dir}/kv-${driver}.sqlite3`, driver);
    await kvTable(":memory:", driver);
  }
  await sqliteTable("NORMAL");
  await sqliteTable("FULL");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
