// Load time of a large room from KV storage (no server): a room of SHAPES shapes written in
// commits of 500 (as the bench's seeder does), then EDITS one-shape commits on top; the room is
// closed (checkpointed) or left as a crash leaves it (edits only in the log, on the log-structured
// path). Prints median load() ms of RUNS fresh providers, for both states.
// Usage: deno run -A bench/micro/kv_room_load.ts | bun run bench/micro/kv_room_load.ts
// Env: SHAPES (default 10000), EDITS (default 60), RUNS (default 5).
import process from "node:process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openKv } from "../../src/runtime/open_kv.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import type { RoomCommit } from "../../src/storage/storage.ts";
import { geoShape, serverSchema } from "../../fixtures/records.ts";

const shapes = Number(process.env.SHAPES ?? 10_000);
const edits = Number(process.env.EDITS ?? 60);
const runs = Number(process.env.RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), "tlsync-load-"));
const kv = await openKv(join(dir, "kv.sqlite3"));
const options = { lease: false, checkpoint: { maxAgeMs: 3_600_000 } };

function commit(clock: number, puts: RoomCommit["puts"]): RoomCommit {
  const c = { documentClock: clock, tombstoneHistoryStartsAtClock: 0, schema: serverSchema };
  return { ...c, replace: false, puts, deletes: {}, prunedTombstones: [] };
}

async function write(roomId: string, close: boolean): Promise<void> {
  const room = await new KvStorageProvider(kv, options).openRoom(roomId);
  await room.load();
  let clock = 0;
  for (let i = 0; i < shapes; i += 500) {
    const puts = [];
    for (let j = i; j < Math.min(shapes, i + 500); j++) {
      puts.push({ state: geoShape(`shape:l${j}`, j, 0), lastChangedClock: clock + 1 });
    }
    await room.commit(commit(++clock, puts));
  }
  if (close) await room.close(); // everything checkpointed
  const edited = close ? await new KvStorageProvider(kv, options).openRoom(roomId) : room;
  if (close) await edited.load();
  for (let e = 0; e < edits; e++) {
    ++clock;
    await edited.commit(
      commit(clock, [{ state: geoShape(`shape:l${e}`, e, 1), lastChangedClock: clock }]),
    );
  }
  if (close) await edited.close();
}

async function loadMs(roomId: string): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const room = await new KvStorageProvider(kv, { ...options }).openRoom(roomId);
    const start = performance.now();
    const snapshot = await room.load();
    times.push(performance.now() - start);
    if (snapshot?.documents.length !== shapes) throw new Error("incomplete load");
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 10) / 10;
}

await write("closed", true);
await write("crashed", false);
await new Promise((r) => setTimeout(r, 1000)); // a background checkpoint started by size ends
const result = {
  runtime: typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno",
  shapes,
  edits,
  closedMs: await loadMs("closed"),
  logAfterHeadMs: await loadMs("crashed"),
};
console.log(JSON.stringify(result));
kv.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
