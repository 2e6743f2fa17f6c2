// The KvLike conformance suite (kv_conformance.ts) against every KV this runtime offers: native
// Deno KV on Deno; on Bun, SqliteKv (the default for files and :memory:) and @deno/kv
// (TLSYNC_BUN_KV=deno-kv), each in memory and on a file.
import { after, describe } from "node:test";
import { BunKvDriver, openKv } from "../../src/runtime/open_kv.ts";
import { SqliteKv } from "../../src/runtime/bun/sqlite_kv.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { kvConformance } from "./kv_conformance.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const dir = tempDir("tlsync-kvconf-");
let n = 0;
after(() => dir.remove());

function opener(
  place: "memory" | "file",
  bunDriver: BunKvDriver,
  expectSqlite: boolean,
): () => Promise<KvLike> {
  return async () => {
    const kv = await openKv(place === "memory" ? ":memory:" : dir.file(`kv-${n++}.sqlite3`), {
      bunDriver,
    });
    if ((kv instanceof SqliteKv) !== expectSqlite) throw new Error("unexpected KV implementation");
    return kv;
  };
}

if (isBun) {
  for (const place of ["memory", "file"] as const) {
    describe(`KvLike conformance: SqliteKv (bun:sqlite), ${place}`, () => {
      kvConformance(opener(place, BunKvDriver.sqlite, true), { bytesOnly: true });
    });
    describe(`KvLike conformance: @deno/kv, ${place}`, () => {
      kvConformance(opener(place, BunKvDriver.denoKv, false), { bytesOnly: true });
    });
  }
} else {
  for (const place of ["memory", "file"] as const) {
    describe(`KvLike conformance: native Deno KV, ${place}`, () => {
      kvConformance(opener(place, BunKvDriver.sqlite, false), { bytesOnly: false });
    });
  }
}
