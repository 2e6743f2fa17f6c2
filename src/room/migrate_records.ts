/**
 * Migrations run record by record, so one stored record a migration cannot take costs that
 * record, not the room. A record-scoped migration that throws on a record skips it. A storage-
 * or store-scoped migration that throws is run again on each record alone to find the records
 * it fails on; those are skipped and it runs once more without them. Only a failure of the
 * records together (none fails alone) fails the load.
 * @module
 */
import type { Migration, SynchronousRecordStorage, UnknownRecord } from "@tldraw/store";
import isEqual from "fast-deep-equal";
import { describeError } from "./load_skip.ts";

/** Records by id. */
export type RecordMap = Map<string, UnknownRecord>;

/** A record left out: its id and the failing migration with its message. */
export type OnMigrationFailed = (id: string, detail: string) => void;

/** Run `migrations` in order over `records` (changed in place); failures go to `skip`. */
export function migrateRecords(
  records: RecordMap,
  migrations: readonly Migration[],
  skip: OnMigrationFailed,
): RecordMap {
  let working = records;
  for (const migration of migrations) {
    if (migration.scope === "record") migrateEach(migration, working, skip);
    else working = migrateWhole(migration, working, skip);
  }
  return working;
}

type RecordMigration = Extract<Migration, { scope: "record" }>;

function migrateEach(
  migration: RecordMigration,
  records: RecordMap,
  skip: OnMigrationFailed,
): void {
  for (const [id, record] of records) {
    try {
      if (migration.filter && !migration.filter(record)) continue;
      const copy = structuredClone(record);
      const next = migration.up(copy) ?? copy;
      if (!isEqual(next, record)) records.set(id, next);
    } catch (error) {
      records.delete(id);
      skip(id, `${migration.id}: ${describeError(error)}`);
    }
  }
}

function migrateWhole(
  migration: Migration,
  records: RecordMap,
  skip: OnMigrationFailed,
): RecordMap {
  try {
    return runWhole(migration, records);
  } catch {
    for (const [id, record] of records) {
      try {
        runWhole(migration, new Map([[id, record]]));
      } catch (error) {
        records.delete(id);
        skip(id, `${migration.id}: ${describeError(error)}`);
      }
    }
  }
  try {
    return runWhole(migration, records);
  } catch (error) {
    throw new Error(
      `Cannot migrate the room: ${migration.id} fails on its records together ` +
        `(${describeError(error)})`,
    );
  }
}

/** A storage- or store-scoped migration over a copy of `records`. */
function runWhole(migration: Migration, records: RecordMap): RecordMap {
  const out: RecordMap = new Map(records);
  if (migration.scope === "storage") {
    migration.up(storageOver(out));
  } else if (migration.scope === "store") {
    const copy = structuredClone(Object.fromEntries(out));
    const next = migration.up(copy) ?? copy;
    out.clear();
    for (const [id, record] of Object.entries(next)) if (record) out.set(id, record);
  }
  return out;
}

/** `map` as migration storage; iteration sees a stable copy. */
function storageOver(map: RecordMap): SynchronousRecordStorage<UnknownRecord> {
  return {
    get: (id) => map.get(id),
    set: (id, record) => void map.set(id, record),
    delete: (id) => void map.delete(id),
    keys: () => [...map.keys()],
    values: () => [...map.values()],
    entries: () => [...map.entries()],
  };
}
