/**
 * Turn whatever storage (or an import) hands us into a clean, migrated document store:
 * legacy `clock` fields, plain `TLStoreSnapshot`s, old schemas and stray session records.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { RoomSnapshot, StoredDocument } from "../storage/storage.ts";
import type { AnyStoreSchema } from "../schema/schema_compat.ts";
import { DocumentStore, type DocumentStoreOptions } from "./document_store.ts";
import { type CommittedChanges, StoreTransaction } from "./store_transaction.ts";

/** A tldraw store snapshot (`store.getStoreSnapshot()`), accepted wherever a RoomSnapshot is. */
export interface TLStoreSnapshotLike {
  store: Record<string, UnknownRecord>;
  schema: SerializedSchema;
}

/** A loaded store plus what loading changed (migrations), if anything. */
export interface LoadedStore {
  store: DocumentStore;
  migrated: CommittedChanges | null;
  isNew: boolean;
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
  options: DocumentStoreOptions = {},
): LoadedStore {
  const serverSchema = schema.serialize();
  if (!input) {
    const documents = defaultDocuments(schema).map((state) => ({ state, lastChangedClock: 0 }));
    const store = new DocumentStore({
      documentClock: 0,
      tombstoneHistoryStartsAtClock: 0,
      documents,
      tombstones: {},
      schema: serverSchema,
    }, options);
    return { store, migrated: null, isNew: true };
  }
  const store = new DocumentStore(normalizeSnapshot(schema, input), options);
  return { store, migrated: migrateStore(schema, store), isNew: false };
}

/** Fill in defaults and legacy fields; clamp clocks so they are never behind the data. */
export function normalizeSnapshot(
  schema: AnyStoreSchema,
  input: RoomSnapshot | TLStoreSnapshotLike,
): Required<Omit<RoomSnapshot, "clock">> {
  if (!("documents" in input) && "store" in input) {
    const documents: StoredDocument[] = Object.values(input.store).map((state) => ({
      state,
      lastChangedClock: 0,
    }));
    return {
      documentClock: 0,
      tombstoneHistoryStartsAtClock: 0,
      documents,
      tombstones: {},
      schema: input.schema,
    };
  }
  const snapshot = input as RoomSnapshot;
  if (!Array.isArray(snapshot.documents)) throw new TypeError("Snapshot has no documents array");
  let clock = snapshot.documentClock ?? snapshot.clock ?? 0;
  for (const doc of snapshot.documents) clock = Math.max(clock, doc.lastChangedClock ?? 0);
  const tombstones = snapshot.tombstones ?? {};
  for (const c of Object.values(tombstones)) clock = Math.max(clock, c);
  const historyStart = Math.min(snapshot.tombstoneHistoryStartsAtClock ?? clock, clock);
  const kept: Record<string, number> = {};
  for (const [id, c] of Object.entries(tombstones)) if (c >= historyStart) kept[id] = c;
  return {
    documentClock: clock,
    tombstoneHistoryStartsAtClock: historyStart,
    documents: snapshot.documents.map((d) => ({
      state: d.state,
      lastChangedClock: d.lastChangedClock ?? 0,
    })),
    tombstones: kept,
    schema: snapshot.schema ?? earliestSchema(schema),
  };
}

/** Migrate stored records up to `schema` and drop non-document records, in one transaction. */
export function migrateStore(
  schema: AnyStoreSchema,
  store: DocumentStore,
): CommittedChanges | null {
  const txn = new StoreTransaction(store);
  schema.migrateStorage(txn);
  for (const [id, record] of txn.entries()) {
    if (schema.types[record.typeName]?.scope !== "document") txn.delete(id);
  }
  return txn.hasChanges() ? txn.commit() : null;
}

function earliestSchema(schema: AnyStoreSchema): SerializedSchema {
  // `serializeEarliestVersion` exists at run time but is not in the published types.
  const s = schema as unknown as { serializeEarliestVersion?: () => SerializedSchema };
  return s.serializeEarliestVersion ? s.serializeEarliestVersion() : schema.serialize();
}
