/**
 * Decide which stored records enter the room and in what state: screened against the caps,
 * migrated record by record, then checked against the schema. A record that fails any step is
 * skipped (reported, never fatal); records of non-document types (legacy sessions, presence)
 * are dropped as before.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import type { StoredDocument } from "../storage/storage.ts";
import type { AnyStoreSchema } from "../schema/any_store_schema.ts";
import { describeError, LoadSkipReason, skipOf, type SkippedRecord } from "./load_skip.ts";
import { migrateRecords, type RecordMap } from "./migrate_records.ts";
import type { RawDocument } from "./normalize_snapshot.ts";
import type { ResolvedRoomLimits } from "./room_limits.ts";
import { screenStoredRecord } from "./screen_stored_record.ts";
import type { SchemaPlan } from "./stored_schema.ts";
import { isRecordLike } from "./validate_record.ts";

/** What loading keeps of the stored documents. */
export interface LoadedRecords {
  /** Stored documents that enter the room, in their stored state. */
  documents: StoredDocument[];
  /** Their states after migration, plus records migrations created; non-documents included. */
  migrated: RecordMap;
  /** Full ids of every record skipped. */
  skippedIds: Set<string>;
}

/** Screen, migrate and check `docs`; each skip goes to `skip`. */
export function loadRecords(
  schema: AnyStoreSchema,
  docs: readonly RawDocument[],
  plan: SchemaPlan,
  limits: ResolvedRoomLimits,
  skip: (skipped: SkippedRecord) => void,
): LoadedRecords {
  const skippedIds = new Set<string>();
  const report = (id: string, skipped: SkippedRecord): void => {
    skippedIds.add(id);
    skip(skipped);
  };
  const stored = screenAll(docs, limits, skippedIds, skip);
  const records: RecordMap = new Map([...stored].map(([id, d]) => [id, d.state]));
  const migrated = migrateRecords(records, plan.migrations, (id, detail) => {
    report(id, skipOf(id, LoadSkipReason.MIGRATION_FAILED, detail));
  });
  for (const [id, record] of migrated) {
    const before = stored.get(id)?.state;
    const problem = checkMigrated(schema, id, record, record === before ? null : limits);
    if (problem) {
      migrated.delete(id);
      report(id, problem);
    }
  }
  const documents = [...stored.values()].filter((d) => !skippedIds.has(d.state.id));
  return { documents, migrated, skippedIds };
}

/** The documents that pass the caps, by id (of duplicate ids, the last one wins). */
function screenAll(
  docs: readonly RawDocument[],
  limits: ResolvedRoomLimits,
  skippedIds: Set<string>,
  skip: (skipped: SkippedRecord) => void,
): Map<string, StoredDocument> {
  const stored = new Map<string, StoredDocument>();
  for (const doc of docs) {
    const problem = screenStoredRecord(doc.state, limits);
    const id = (doc.state as { id?: unknown } | null)?.id;
    if (problem) {
      if (typeof id === "string") {
        skippedIds.add(id);
        stored.delete(id);
      }
      skip(problem);
    } else {
      const state = doc.state as UnknownRecord;
      skippedIds.delete(state.id);
      stored.set(state.id, { state, lastChangedClock: doc.lastChangedClock ?? 0 });
    }
  }
  return stored;
}

/** Why a migrated record cannot enter the room; `limits` re-screens a changed record. */
function checkMigrated(
  schema: AnyStoreSchema,
  id: string,
  record: UnknownRecord,
  limits: ResolvedRoomLimits | null,
): SkippedRecord | null {
  if (!isRecordLike(record) || record.id !== id) {
    return skipOf(id, LoadSkipReason.MIGRATION_FAILED, "migrations left a malformed record");
  }
  const screened = limits ? screenStoredRecord(record, limits) : null;
  if (screened) return screened;
  const type = schema.types[record.typeName];
  if (!type) {
    return skipOf(id, LoadSkipReason.UNKNOWN_TYPE, `"${record.typeName.slice(0, 100)}" is unknown`);
  }
  if (type.scope !== "document") return null; // dropped by the caller, as before
  try {
    type.validate(record);
    return null;
  } catch (error) {
    return skipOf(id, LoadSkipReason.INVALID_RECORD, describeError(error));
  }
}
