// Storage-only CPU per room commit on KV (no server, no sockets): ROOMS rooms commit concurrently,
// COMMITS commits each, one at a time per room (as the engine hands them), RECS records per commit;
// rooms are closed at the end (their final checkpoint counts). Prints process CPU per commit and per
// thread ("sw": the KV SQLite writer), atomics and mutations per commit. The batcher is set as the
// default server sets it (native Deno: 100 checks, 4 in flight; Bun: 10, 1).
// Usage: deno run -A bench/micro/kv_room_commit_cost.ts | bun run bench/micro/kv_room_commit_cost.ts
// Env: ROOMS (10), COMMITS (1000), RECS (1), CP_ENTRIES / CP_MS (checkpoint thresholds; default
// the provider's).
import process from "node:process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openKv } from "../../src/runtime/open_kv.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import type { RoomCommit } from "../../src/storage/storage.ts";
import { geoShape, serverSchema } from "../../fixtures/records.ts";

const RECS = Number(process.env.RECS ?? 1);
const ROOMS = Number(process.env.ROOMS ?? 10);
const COMMITS = Number(process.env.COMMITS ?? 1000);

/** CPU ms per thread name, from /proc (Linux). */
function threads(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of readdirSync(`/proc/self/task`)) {
    try {
      const s = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
      const comm = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")).replace(/[-\d]+$/, "");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      out[comm] = (out[comm] ?? 0) + (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      // the thread ended
    }
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), "tlsync-cc-"));
const raw = await openKv(join(dir, "kv.sqlite3"));
let atomics = 0, mutations = 0;
const kv: KvLike = {
  get: (k) => raw.get(k),
  list: (s, o) => raw.list(s, o),
  close: () => raw.close(),
  atomic: () => {
    atomics++;
    const op = raw.atomic();
    const set = op.set.bind(op);
    const del = op.delete.bind(op);
    op.set = (k, v, o) => (mutations++, set(k, v, o));
    op.delete = (k) => (mutations++, del(k));
    return op;
  },
};
const native = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const provider = new KvStorageProvider(kv, {
  lease: false,
  maxChecksPerAtomic: native ? 100 : 10,
  maxCommitsInFlight: native ? 4 : 1,
  checkpoint: {
    ...(process.env.CP_ENTRIES ? { maxEntries: Number(process.env.CP_ENTRIES) } : {}),
    ...(process.env.CP_MS ? { maxAgeMs: Number(process.env.CP_MS) } : {}),
  },
});
const rooms = await Promise.all(
  Array.from({ length: ROOMS }, (_, i) => provider.openRoom(`r${i}`)),
);
await Promise.all(rooms.map((r) => r.load()));
const commit = (clock: number, room: number): RoomCommit => ({
  documentClock: clock,
  tombstoneHistoryStartsAtClock: 0,
  schema: serverSchema,
  replace: false,
  puts: Array.from({ length: RECS }, (_, k) => ({
    state: geoShape(`shape:${room}-${k}`, clock),
    lastChangedClock: clock,
  })),
  deletes: {},
  prunedTombstones: [],
});
await Promise.all(rooms.map((r, i) => r.commit(commit(1, i))));
atomics = mutations = 0;
const t0 = threads();
const c0 = process.cpuUsage();
const w0 = performance.now();
await Promise.all(rooms.map(async (r, i) => {
  for (let c = 2; c <= COMMITS + 1; c++) await r.commit(commit(c, i));
}));
await Promise.all(rooms.map((r) => r.close()));
const t1 = threads();
const cpu = process.cpuUsage(c0);
const n = ROOMS * COMMITS;
const perThread: Record<string, number> = {};
for (const [k, v] of Object.entries(t1)) {
  const d = (v - (t0[k] ?? 0)) * 1000 / n;
  if (d > 0.5) perThread[k] = Math.round(d);
}
console.log(JSON.stringify({
  runtime: native ? "deno" : "bun",
  checkpointEntries: process.env.CP_ENTRIES ?? "default",
  recordsPerCommit: RECS,
  commits: n,
  atomicsPerCommit: Number((atomics / n).toFixed(3)),
  mutationsPerCommit: Number((mutations / n).toFixed(2)),
  wallUsPerCommit: Math.round((performance.now() - w0) * 1000 / n),
  cpuUsPerCommit: Math.round((cpu.user + cpu.system) / n),
  threadUsPerCommit: perThread,
}));
kv.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
