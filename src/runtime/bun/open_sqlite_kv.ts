/**
 * Open a {@linkcode SqliteKv} (Bun only: `bun:sqlite` is a Bun builtin). A file that is not a
 * SQLite database, or a KV file of a newer layout, fails here with one line.
 * @module
 */
import { bunSqlite } from "./bun_sqlite_module.ts";
import { SqliteKv, type SqliteKvOptions } from "./sqlite_kv.ts";
import { prepareKvSchema } from "./sqlite_kv_schema.ts";

/** Open or create the KV file at `path` (or `:memory:`). */
export function openSqliteKv(path: string, options: SqliteKvOptions = {}): Promise<SqliteKv> {
  try {
    const db = new (bunSqlite().Database)(path, { create: true, readwrite: true });
    try {
      prepareKvSchema(db, path === ":memory:");
      return Promise.resolve(new SqliteKv(db, options));
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    return Promise.reject(error);
  }
}
