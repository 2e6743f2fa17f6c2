// Cold load of a large room from a KV file: write a room of SHAPES shapes (500 per commit) once,
// then, RUNS times, open a fresh storage provider on the file and time openRoom + load (wall and
// process CPU). On Bun, both KV drivers (SqliteKv, the default, and @deno/kv).
// Usage: bun run bench/micro/kv_room_load.ts [SHAPES] | deno run -A bench/micro/kv_room_load.ts
import process from "node:process";
import { mkdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { openKvStorage } from "../../src/runtime/default_storage.ts";
import type { BunKvDriver } from "../../src/runtime/open_kv.ts";
import { geoShape, serverSchema } from "../../fixtures/records.ts";

const SHAPES = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10_000);
const RUNS = 5;
const dir = `/tmp/tlsync-roomload-${process.pid}`;

async function seed(path: string, bunDriver?: BunKvDriver): Promise<void> {
  const provider = await openKvStorage(path, { lease: false }, { bunDriver });
  const room = await provider.openRoom("large");
  await room.load();
  for (let i = 0; i < SHAPES; i += 500) {
    const puts = [];
    for (let j = i; j < Math.min(SHAPES, i + 500); j++) {
      puts.push({ state: geoShape(`shape:l${j}`, j, 0), lastChangedClock: j + 1 });
    }
    await room.commit({
      documentClock: Math.min(SHAPES, i + 500),
      tombstoneHistoryStartsAtClock: 0,
      schema: serverSchema,
      replace: false,
      puts,
      deletes: {},
      prunedTombstones: [],
    });
  }
  await room.close();
  await provider.close?.();
}

async function timeLoad(path: string, bunDriver?: BunKvDriver): Promise<[number, number]> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const provider = await openKvStorage(path, { lease: false }, { bunDriver });
  const room = await provider.openRoom("large");
  const snapshot = await room.load();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(cpu0);
  if (snapshot?.documents.length !== SHAPES) throw new Error("room did not load whole");
  await room.close();
  await provider.close?.();
  return [ms, (c.user + c.system) / 1000];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
mkdirSync(dir, { recursive: true });
console.log(
  `runtime: ${"Bun" in globalThis ? "bun" : "deno"}; loadavg ${
    loadavg().map((x) => x.toFixed(2)).join(" ")
  }`,
);
console.log(
  `| KV driver | cold load of ${SHAPES} shapes: wall ms (median of ${RUNS}) | CPU ms |\n|---|---|---|`,
);
try {
  for (const driver of "Bun" in globalThis ? ["sqlite", "deno-kv"] as const : [undefined]) {
    const path = `${dir}/room-${driver}.sqlite3`;
    await seed(path, driver);
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await timeLoad(path, driver));
    console.log(
      `| ${driver ?? "native"} | ${median(runs.map((r) => r[0])).toFixed(0)} | ${
        median(runs.map((r) => r[1])).toFixed(0)
      } |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
