/**
 * Open a {@linkcode SqliteKv} (Bun only: `bun:sqlite` is a Bun builtin). A file that is not a
 * SQLite database, or a KV file of a newer layout, fails here with one line.
 * @module
 */
import { bunSqlite } from "./bun_sqlite_module.ts";
import { SqliteKv, type SqliteKvOptions } from "./sqlite_kv.ts";
import { prepareKvSchema, SQLITE_BUSY_TIMEOUT_MS, trySwitchToWal } from "./sqlite_kv_schema.ts";

/** Pause between attempts to switch a busy file to WAL. */
const WAL_RETRY_MS = 20;

/** Open or create the KV file at `path` (or `:memory:`). */
export async function openSqliteKv(
  path: string,
  options: SqliteKvOptions = {},
): Promise<SqliteKv> {
  const db = new (bunSqlite().Database)(path, { create: true, readwrite: true });
  try {
    if (path !== ":memory:") {
      // Without a busy timeout, so a busy file answers at once and the wait below does not block
      // the JS thread (nor a lock holder on it).
      const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
      while (!trySwitchToWal(db)) {
        if (Date.now() > deadline) {
          throw new Error(`KV file ${path} stayed locked by another process`);
        }
        await new Promise((r) => setTimeout(r, WAL_RETRY_MS));
      }
    }
    db.exec(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    prepareKvSchema(db);
    return new SqliteKv(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}
