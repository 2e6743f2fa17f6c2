/**
 * Open a {@linkcode SqliteKv} (Bun only: `bun:sqlite` is a Bun builtin). A file that is not a
 * SQLite database, or a KV file of a newer layout, fails here with one line.
 * @module
 */
import { retryLocked } from "../../storage/kv/lock_retry_kv.ts";
import { bunSqlite } from "./bun_sqlite_module.ts";
import { SqliteKv, type SqliteKvOptions } from "./sqlite_kv.ts";
import { prepareKvSchema, SQLITE_BUSY_TIMEOUT_MS } from "./sqlite_kv_schema.ts";

/** Open or create the KV file at `path` (or `:memory:`). */
export async function openSqliteKv(
  path: string,
  options: SqliteKvOptions = {},
): Promise<SqliteKv> {
  const db = new (bunSqlite().Database)(path, { create: true, readwrite: true });
  try {
    if (path !== ":memory:") {
      // The switch to WAL (it then stays so for every connection). SQLite may refuse it with
      // "database is locked" while another process opening the same new file holds a lock, busy
      // timeout or not (three processes, `bun_cluster.ts` on a fresh data directory: 19 failures
      // in 40 tries). So it is retried, before any busy timeout is set (a locked file answers at
      // once and the JS thread never blocks on it), for up to SQLITE_BUSY_TIMEOUT_MS.
      const wal = (): Promise<void> => Promise.resolve(db.exec("pragma journal_mode = wal"));
      await retryLocked(wal, SQLITE_BUSY_TIMEOUT_MS);
    }
    db.exec(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    prepareKvSchema(db);
    return new SqliteKv(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}
