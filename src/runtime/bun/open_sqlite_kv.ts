/**
 * Open a {@linkcode SqliteKv} (Bun only: `bun:sqlite` is a Bun builtin). A file that is not a
 * SQLite database, or a KV file of a newer layout, fails here with one line.
 * @module
 */
import type { BunDatabaseConstructor } from "./bun_sqlite_types.ts";
import { SqliteKv, type SqliteKvOptions } from "./sqlite_kv.ts";
import { prepareKvSchema } from "./sqlite_kv_schema.ts";

/** Open or create the KV file at `path` (or `:memory:`). */
export async function openSqliteKv(path: string, options: SqliteKvOptions = {}): Promise<SqliteKv> {
  const { Database } = await bunSqlite();
  const db = new Database(path, { create: true, readwrite: true });
  try {
    prepareKvSchema(db, path === ":memory:");
    return new SqliteKv(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The `bun:sqlite` module, through Bun's `import.meta.require` (a builtin: Bun only). */
function bunSqlite(): Promise<{ Database: BunDatabaseConstructor }> {
  const require = (import.meta as { require?: (id: string) => unknown }).require;
  if (!require) return Promise.reject(new Error("bun:sqlite is available on Bun only"));
  return Promise.resolve(require("bun:sqlite") as { Database: BunDatabaseConstructor });
}
