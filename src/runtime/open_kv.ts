/**
 * Open a Deno KV database: native `Deno.openKv` on Deno; on Bun, local files and `:memory:` in
 * `bun:sqlite` on Deno KV's own file layout (`bun/sqlite_kv.ts`), KV Connect URLs through the
 * `@deno/kv` package (also Bun's choice for files with `driver: "deno-kv"`, and Node's). Creates
 * the parent directory of a file path. Values must be `Uint8Array`s (portable across runtimes).
 * @module
 */
import type { KvLike } from "../storage/kv/kv_like.ts";
import { retryLocked } from "../storage/kv/lock_retry_kv.ts";
import { SqliteKv } from "./bun/sqlite_kv.ts";
import { openSqliteKv } from "./bun/open_sqlite_kv.ts";
import { NOT_BYTES } from "./bun/sqlite_kv_atomic.ts";

/** Bun's KV drivers for local files: `sqlite` (bun:sqlite, the default) or `deno-kv` (@deno/kv). */
export const BunKvDriver = { sqlite: "sqlite", denoKv: "deno-kv" } as const;

/** One of {@linkcode BunKvDriver}. */
export type BunKvDriver = typeof BunKvDriver[keyof typeof BunKvDriver];

/** Options of {@linkcode openKv}. */
export interface OpenKvOptions {
  /** Bun's driver for a file or `:memory:` (default `sqlite`); ignored on Deno and for URLs. */
  bunDriver?: BunKvDriver | undefined;
}

/** The driver a `TLSYNC_BUN_KV` value names, or null when it names none. */
export function parseBunKvDriver(value: string): BunKvDriver | null {
  const v = value.trim().toLowerCase();
  return v === BunKvDriver.sqlite || v === BunKvDriver.denoKv ? v : null;
}

/**
 * Open `path` (a file path, `:memory:`, or a KV Connect URL). Without a path: Deno's default
 * database (on Deno Deploy, its managed KV).
 */
export async function openKv(path?: string, options: OpenKvOptions = {}): Promise<KvLike> {
  const isUrl = path !== undefined && /^https?:\/\//.test(path);
  if (path !== undefined && path !== ":memory:" && !isUrl) {
    const { mkdirSync } = await import("node:fs");
    const { dirname } = await import("node:path");
    mkdirSync(dirname(path), { recursive: true });
  }
  const g = globalThis as {
    Deno?: { openKv?: (path?: string) => Promise<unknown> };
    Bun?: unknown;
  };
  if (typeof g.Deno?.openKv === "function") {
    const deno = g.Deno as { openKv: (path?: string) => Promise<unknown> };
    // Processes (or `--parallel` workers) opening one new file together: SQLite can refuse one of
    // them with "database is locked" at once (3 processes: 4 failures in 30 tries). Try again.
    return (await retryLocked(() =>
      path === undefined ? deno.openKv() : deno.openKv(path)
    )) as KvLike;
  }
  if (path === undefined) throw new TypeError("A KV path is required outside Deno");
  const sqlite = (options.bunDriver ?? BunKvDriver.sqlite) === BunKvDriver.sqlite;
  if (g.Bun !== undefined && !isUrl && sqlite) return await openSqliteKv(path);
  const { openKv: openNpmKv } = await import("@deno/kv");
  const refuse = (): never => {
    throw new TypeError(NOT_BYTES);
  };
  const codec = { encodeV8: refuse, decodeV8: refuse };
  return (await retryLocked(() => openNpmKv(path, codec))) as unknown as KvLike;
}

/**
 * How to pack atomics for `kv`: native Deno KV and {@linkcode SqliteKv} take 100 checks per
 * atomic and several commits in flight; `@deno/kv` 10 checks, one commit at a time.
 */
export function kvPackingOf(
  kv: KvLike,
): { maxChecksPerAtomic: number; maxCommitsInFlight: number } {
  const native = typeof (globalThis as { Deno?: { openKv?: unknown } }).Deno?.openKv === "function";
  return native || kv instanceof SqliteKv
    ? { maxChecksPerAtomic: 100, maxCommitsInFlight: 4 }
    : { maxChecksPerAtomic: 10, maxCommitsInFlight: 1 };
}
