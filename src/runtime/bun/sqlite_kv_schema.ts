/**
 * Deno KV's SQLite file layout (denokv's `sqlite` backend, MIT), so one data file serves
 * `deno serve` and `bun run` alike: a `migration_state` row (k 0) holding how many of the three
 * migrations ran; `data_version` (one row, k 0: the last commit's version); `kv` (`k` the encoded
 * key, `v` the value, `v_encoding` 1 V8 / 2 little-endian u64 / 3 bytes, `version` the commit
 * that wrote it, `seq`, `expiration_ms` (-1: never)); the queue tables, unused here but created
 * so a file we create is the same file Deno creates.
 *
 * Pragmas: WAL (as Deno sets it), synchronous FULL (SQLite's default, what Deno KV runs with: a
 * WAL fsync per commit, measured with strace), a busy timeout so processes sharing the file wait
 * for each other's write transaction instead of failing.
 * @module
 */
import type { BunDatabase } from "./bun_sqlite_types.ts";

/** How long a statement waits for another process's write lock before "database is locked". */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** The `kv.v_encoding` values. */
export const ValueEncoding = { v8: 1, le64: 2, bytes: 3 } as const;

const MIGRATION_TABLE = `create table if not exists migration_state(
  k integer not null primary key,
  version integer not null
)`;

/** Deno KV's migrations, in order (the file's `migration_state.version` counts those applied). */
const MIGRATIONS: readonly string[] = [
  `create table data_version (k integer primary key, version integer not null);
insert into data_version (k, version) values (0, 0);
create table kv (
  k blob primary key, v blob not null, v_encoding integer not null, version integer not null
) without rowid;`,
  `create table queue (
  ts integer not null, id text not null, data blob not null, backoff_schedule text not null,
  keys_if_undelivered blob not null, primary key (ts, id)
);
create table queue_running(
  deadline integer not null, id text not null, data blob not null,
  backoff_schedule text not null, keys_if_undelivered blob not null, primary key (deadline, id)
);`,
  `alter table kv add column seq integer not null default 0;
alter table data_version add column seq integer not null default 0;
alter table kv add column expiration_ms integer not null default -1;
create index kv_expiration_ms_idx on kv (expiration_ms);`,
];

/**
 * Set the remaining pragmas and bring the file to Deno KV's current layout (in one write
 * transaction, so two processes opening a new file at once migrate it once), once the opener has
 * switched a file to WAL. Throws SQLite's own error for a file that is not a database, and a
 * clear one for a KV file newer than this code.
 */
export function prepareKvSchema(db: BunDatabase): void {
  db.exec("pragma synchronous = full");
  db.exec("begin immediate");
  try {
    db.exec(MIGRATION_TABLE);
    const row = db.prepare("select version from migration_state where k = 0").values()[0];
    const applied = Number(row?.[0] ?? 0);
    if (!Number.isSafeInteger(applied) || applied < 0 || applied > MIGRATIONS.length) {
      throw new Error(
        `KV file has schema version ${String(row?.[0]).slice(0, 20)}; ` +
          `this server knows Deno KV's versions 0 to ${MIGRATIONS.length}`,
      );
    }
    for (let i = applied; i < MIGRATIONS.length; i++) {
      db.exec(MIGRATIONS[i]!);
      db.prepare("replace into migration_state (k, version) values (0, ?)").run(i + 1);
    }
    db.exec("commit");
  } catch (error) {
    rollbackQuietly(db);
    throw error;
  }
}

/** Roll back if a transaction is open (SQLite may already have rolled it back itself). */
export function rollbackQuietly(db: BunDatabase): void {
  try {
    db.exec("rollback");
  } catch {
    // no transaction was open: nothing to undo
  }
}
