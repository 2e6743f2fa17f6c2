// One KV data file for `deno serve` and `bun run`: Deno KV's SQLite layout written by one runtime
// reads back identically (keys of every type in order, values, versionstamps) on the other, and
// versionstamps keep growing across them. Run under Deno (native Deno KV here, SqliteKv in a Bun
// child) and under Bun (SqliteKv here, native Deno KV in a Deno child), this covers both
// directions on each. On Bun also: @deno/kv's files open in SqliteKv and the other way round.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { BunKvDriver, openKv } from "../../src/runtime/open_kv.ts";
import { SqliteKv } from "../../src/runtime/bun/sqlite_kv.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { isBun, runChild } from "./kv_child_process.ts";
import { dump, type DumpedEntry, expectedDump, writeDataset } from "./kv_interop_data.ts";

const dir = tempDir("tlsync-kvinterop-");
after(() => dir.remove());
const here = isBun ? "Bun (SqliteKv)" : "Deno (native)";
const there = isBun ? "Deno (native)" : "Bun (SqliteKv)";

/** The dump holds DATASET, each entry stamped by the commit that wrote it. */
function assertDataset(entries: DumpedEntry[], stamps: string[]): void {
  assert.deepEqual(entries.map(({ key, value }) => ({ key, value })), expectedDump());
  const written = new Set(stamps.slice(0, 3));
  for (const e of entries) assert.ok(written.has(e.versionstamp), e.versionstamp);
  // DATASET was written in reverse, 5 keys a commit: the first 5 keys came last.
  assert.equal(entries[0]!.versionstamp, stamps[2]);
  assert.equal(entries.at(-1)!.versionstamp, stamps[0]);
  assert.ok(stamps[0]! < stamps[1]! && stamps[1]! < stamps[2]! && stamps[2]! < stamps[3]!);
}

describe("KV files across runtimes", () => {
  it(
    `${there} writes, ${here} reads; versionstamps keep growing here`,
    { timeout: 120_000 },
    async () => {
      const path = dir.file("there.sqlite3");
      const stamps = JSON.parse(await runChild("other", ["write", path])) as string[];
      const kv = await openKv(path);
      try {
        assert.equal(kv instanceof SqliteKv, isBun);
        assertDataset(await dump(kv), stamps);
        const r = await kv.atomic().set(["after"], new Uint8Array([1])).commit();
        assert.ok(r.ok && r.versionstamp > stamps[3]!);
      } finally {
        kv.close();
      }
    },
  );

  it(`${here} writes, ${there} reads`, { timeout: 120_000 }, async () => {
    const path = dir.file("here.sqlite3");
    const kv = await openKv(path);
    const stamps = await writeDataset(kv);
    kv.close();
    assertDataset(JSON.parse(await runChild("other", ["dump", path])), stamps);
  });

  it(
    "a Deno process and a Bun process committing to one file at once: every increment lands",
    { timeout: 120_000 },
    async () => {
      const path = dir.file("shared.sqlite3");
      const seeder = await openKv(path); // the file exists before the two race
      seeder.close();
      const per = 1000; // long enough for the two processes to overlap (npx start-up ~1 s)
      const runs = await Promise.all(
        (["self", "other"] as const).map((r) =>
          runChild(r, ["count", path, "sqlite", String(per)])
        ),
      );
      const stamps = runs.flatMap((out) => JSON.parse(out) as string[]);
      assert.equal(new Set(stamps).size, 2 * per, "no versionstamp given twice");
      const kv = await openKv(path);
      try {
        const counter = (await kv.get<Uint8Array>(["counter"])).value!;
        assert.equal(new DataView(counter.buffer, counter.byteOffset).getUint32(0), 2 * per);
      } finally {
        kv.close();
      }
    },
  );

  it(
    "on Bun: @deno/kv's file opens in SqliteKv and SqliteKv's in @deno/kv",
    { skip: !isBun },
    async () => {
      for (
        const [writer, reader] of [
          [BunKvDriver.denoKv, BunKvDriver.sqlite],
          [BunKvDriver.sqlite, BunKvDriver.denoKv],
        ] as const
      ) {
        const path = dir.file(`${writer}-then-${reader}.sqlite3`);
        const w = await openKv(path, { bunDriver: writer });
        const stamps = await writeDataset(w);
        w.close();
        const r = await openKv(path, { bunDriver: reader });
        try {
          assert.equal(r instanceof SqliteKv, reader === BunKvDriver.sqlite);
          assertDataset(await dump(r), stamps);
          const next = await r.atomic().set(["after"], new Uint8Array([1])).commit();
          assert.ok(next.ok && next.versionstamp > stamps[3]!);
        } finally {
          r.close();
        }
      }
    },
  );
});
