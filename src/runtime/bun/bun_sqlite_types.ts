/**
 * The slice of `bun:sqlite` this project uses, typed structurally (no bun-types dependency; the
 * module itself is imported only on Bun, by `open_sqlite_kv.ts`).
 * @module
 */

/** A value bound to or read from a statement. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** A prepared statement. */
export interface BunStatement {
  /** Run; rows ignored. */
  run(...params: SqlValue[]): unknown;
  /** Every row, as arrays of column values. */
  values(...params: SqlValue[]): SqlValue[][];
}

/** An open database. */
export interface BunDatabase {
  /** Prepare a statement (kept by the caller). */
  prepare(sql: string): BunStatement;
  /** Run one or more statements. */
  exec(sql: string): void;
  /** Close the file. */
  close(): void;
}

/** `bun:sqlite`'s Database constructor. */
export type BunDatabaseConstructor = new (
  path: string,
  options?: { create?: boolean; readwrite?: boolean; strict?: boolean },
) => BunDatabase;
