/**
 * Turn whatever storage (or an import) hands us into a clean, migrated document store:
 * legacy `clock` fields, plain `TLStoreSnapshot`s, old schemas and stray session records.
 *
 * Loading a room is lenient: a stored record that is not a record, is over a cap, fails its
 * migration, has an unknown type or fails validation is skipped and listed in `skipped`; the
 * room loads without it. An import (`lenient` false) is strict: the first such record fails it
 * with a `SyncError`. Either way a stored schema newer than the server's fails the load with
 * {@linkcode StoredSchemaTooNewError} (a version problem, not damage).
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import isEqual from "fast-deep-equal";
import { CloseReason } from "../protocol/close_reason.ts";
import { SyncError } from "../protocol/sync_error.ts";
import type { RoomSnapshot } from "../storage/storage.ts";
import type { AnyStoreSchema } from "../schema/any_store_schema.ts";
import { DocumentStore, type DocumentStoreOptions } from "./document_store.ts";
import { type LoadedRecords, loadRecords } from "./load_records.ts";
import { LoadSkipReason, type SkippedRecord } from "./load_skip.ts";
import { normalizeSnapshot, type TLStoreSnapshotLike } from "./normalize_snapshot.ts";
import { DEFAULT_ROOM_LIMITS, type ResolvedRoomLimits } from "./room_limits.ts";
import { type CommittedChanges, StoreTransaction } from "./store_transaction.ts";
import { planMigrations, type SchemaPlan } from "./stored_schema.ts";

export { normalizeSnapshot, type TLStoreSnapshotLike } from "./normalize_snapshot.ts";

/** A loaded store plus what loading changed (migrations), if anything. */
export interface LoadedStore {
  store: DocumentStore;
  migrated: CommittedChanges | null;
  isNew: boolean;
  /** Stored records left out of the room (lenient loads only). */
  skipped: SkippedRecord[];
}

/** Options of {@linkcode loadStore} (plus the store's tombstone retention and time). */
export interface LoadStoreOptions extends DocumentStoreOptions {
  /** The caps stored records are screened against. Default: the defaults. */
  limits?: ResolvedRoomLimits;
  /** Skip bad records (room load) instead of throwing on the first one (import). */
  lenient?: boolean;
}

/** The initial documents of a new tldraw room: the document record and one page. */
export function defaultDocuments(schema: AnyStoreSchema): UnknownRecord[] {
  const docs: Record<string, unknown>[] = [];
  if (schema.types["document"]) {
    docs.push({ id: "document:document", typeName: "document", gridSize: 10, name: "", meta: {} });
  }
  if (schema.types["page"]) {
    docs.push({ id: "page:page", typeName: "page", name: "Page 1", index: "a1", meta: {} });
  }
  return docs as unknown as UnknownRecord[];
}

/** Build a migrated store from a stored snapshot (or a new room when `input` is undefined). */
export function loadStore(
  schema: AnyStoreSchema,
  input: RoomSnapshot | TLStoreSnapshotLike | undefined,
  options: LoadStoreOptions = {},
): LoadedStore {
  if (!input) {
    const documents = defaultDocuments(schema).map((state) => ({ state, lastChangedClock: 0 }));
    const store = new DocumentStore({
      documentClock: 0,
      tombstoneHistoryStartsAtClock: 0,
      documents,
      tombstones: {},
      schema: schema.serialize(),
    }, options);
    return { store, migrated: null, isNew: true, skipped: [] };
  }
  const skipped: SkippedRecord[] = [];
  const skip = (s: SkippedRecord): void => {
    if (!options.lenient) throw strictError(s);
    skipped.push(s);
  };
  const snapshot = normalizeSnapshot(schema, input);
  const plan = planMigrations(schema, snapshot.schema, (detail) => {
    skip({ reason: LoadSkipReason.SCHEMA_UNREADABLE, detail });
  });
  const limits = options.limits ?? DEFAULT_ROOM_LIMITS;
  const records = loadRecords(schema, snapshot.documents, plan, limits, skip);
  const tombstones = Object.entries(snapshot.tombstones)
    .filter(([id]) => !records.skippedIds.has(id));
  const store = new DocumentStore({
    ...snapshot,
    documents: records.documents,
    tombstones: Object.fromEntries(tombstones),
    schema: plan.rewrite ? schema.serialize() : snapshot.schema as DocumentStore["schema"],
  }, options);
  const migrated = applyMigrated(schema, store, records, plan);
  return { store, migrated, isNew: false, skipped };
}

/** Write the migrated states (and drop non-documents) in one transaction. */
function applyMigrated(
  schema: AnyStoreSchema,
  store: DocumentStore,
  records: LoadedRecords,
  plan: SchemaPlan,
): CommittedChanges | null {
  const txn = new StoreTransaction(store);
  for (const id of store.documents.keys()) if (!records.migrated.has(id)) txn.delete(id);
  for (const [id, record] of records.migrated) {
    if (schema.types[record.typeName]?.scope !== "document") txn.delete(id);
    else {
      const before = store.get(id);
      if (record !== before && !isEqual(record, before)) txn.set(id, record);
    }
  }
  if (plan.rewrite) txn.setSchema(schema.serialize());
  return txn.hasChanges() ? txn.commit() : null;
}

function strictError(s: SkippedRecord): SyncError {
  const what = s.recordId !== undefined
    ? `record "${s.recordId}"`
    : s.reason === LoadSkipReason.SCHEMA_UNREADABLE
    ? "the schema"
    : "a record without an id";
  return new SyncError(
    CloseReason.INVALID_RECORD,
    `Cannot load ${what}: ${s.reason} (${s.detail})`,
  );
}
