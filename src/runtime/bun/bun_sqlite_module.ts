/**
 * The `bun:sqlite` module, through Bun's `import.meta.require` (a Bun builtin; Deno's type check
 * and publish never see an import of it).
 * @module
 */
import type { BunDatabaseConstructor } from "./bun_sqlite_types.ts";

/** `bun:sqlite`; throws outside Bun. */
export function bunSqlite(): { Database: BunDatabaseConstructor } {
  const require = (import.meta as { require?: (id: string) => unknown }).require;
  if (!require) throw new Error("bun:sqlite is available on Bun only");
  return require("bun:sqlite") as { Database: BunDatabaseConstructor };
}
