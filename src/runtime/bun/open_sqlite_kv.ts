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
  // A module name Deno's type check does not resolve: bun:sqlite exists on Bun only.
  const specifier = "bun:sqlite";
  const { Database } = (await import(specifier)) as { Database: BunDatabaseConstructor };
  const db = new Database(path, { create: true, readwrite: true });
  try {
    prepareKvSchema(db, path === ":memory:");
    return new SqliteKv(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}
