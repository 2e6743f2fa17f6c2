/**
 * One KV commit as one SQLite write transaction on Deno KV's layout: `BEGIN IMMEDIATE` (so checks
 * read the latest committed state even when other processes share the file), the checks (an
 * expired entry is absent), the commit's version (`data_version` + 1, read inside the
 * transaction, so versionstamps grow across processes), the writes, and at most once per
 * {@linkcode EXPIRY_SWEEP_INTERVAL_MS} a sweep of expired entries.
 * @module
 */
import type { BunDatabase, BunStatement, SqlValue } from "./bun_sqlite_types.ts";
import { rollbackQuietly, ValueEncoding } from "./sqlite_kv_schema.ts";
import type { CommitResult, EncodedCheck, EncodedWrite } from "./sqlite_kv_atomic.ts";

/** How often a commit also deletes expired entries. */
export const EXPIRY_SWEEP_INTERVAL_MS = 1000;

/** The SQL condition of an entry that has not expired at the bound time. */
export const LIVE = "(expiration_ms < 0 or expiration_ms > ?)";

const SQL = {
  version: `select version from kv where k = ? and ${LIVE}`,
  bump: "update data_version set version = version + 1 where k = 0 returning version",
  put: `insert into kv (k, v, v_encoding, version, expiration_ms) values (?, ?, ?, ?, ?)
    on conflict(k) do update set v = excluded.v, v_encoding = excluded.v_encoding,
    version = excluded.version, expiration_ms = excluded.expiration_ms`,
  delete: "delete from kv where k = ?",
  sweep: "delete from kv where expiration_ms >= 0 and expiration_ms <= ?",
  begin: "begin immediate",
  commit: "commit",
} as const;

/** Deno's versionstamp of a commit version: 8 big-endian bytes and 2 zero bytes, in hex. */
export function versionstampOf(version: SqlValue): string {
  return Number(version).toString(16).padStart(16, "0") + "0000";
}

/** See the module. */
export class KvTransactions {
  #db: BunDatabase;
  #s: Record<keyof typeof SQL, BunStatement>;
  #sweepAt = 0;

  /** Prepare the statements on `db` (already on Deno KV's layout). */
  constructor(db: BunDatabase) {
    this.#db = db;
    const s = {} as Record<keyof typeof SQL, BunStatement>;
    for (const [name, sql] of Object.entries(SQL)) s[name as keyof typeof SQL] = db.prepare(sql);
    this.#s = s;
  }

  /** Commit `writes` if every check holds at `now` (ms). */
  run(checks: EncodedCheck[], writes: EncodedWrite[], now: number): CommitResult {
    this.#s.begin.run();
    try {
      for (const c of checks) {
        const row = this.#s.version.values(c.key, now)[0];
        if ((row ? versionstampOf(row[0]!) : null) !== c.versionstamp) {
          rollbackQuietly(this.#db);
          return { ok: false };
        }
      }
      const version = this.#s.bump.values()[0]![0]!;
      for (const w of writes) {
        if (w.value === null) this.#s.delete.run(w.key);
        else {
          const expireAt = w.expireIn < 0 ? -1 : Math.round(now + w.expireIn);
          this.#s.put.run(w.key, w.value, ValueEncoding.bytes, version, expireAt);
        }
      }
      if (now >= this.#sweepAt) {
        this.#s.sweep.run(now);
        this.#sweepAt = now + EXPIRY_SWEEP_INTERVAL_MS;
      }
      this.#s.commit.run();
      return { ok: true, versionstamp: versionstampOf(version) };
    } catch (error) {
      rollbackQuietly(this.#db);
      throw error;
    }
  }
}
