/**
 * Fill in a stored snapshot's defaults and legacy fields (3.x `clock`, plain `TLStoreSnapshot`s),
 * read every clock defensively (a clock that is not a finite number >= 0 counts as unknown) and
 * clamp clocks so they are never behind the data. Documents pass through unchecked: which of
 * them enter the room is decided by `load_records.ts`.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { RoomSnapshot } from "../storage/storage.ts";
import type { AnyStoreSchema } from "../schema/any_store_schema.ts";
import { isClock } from "../protocol/clock.ts";

/** A tldraw store snapshot (`store.getStoreSnapshot()`), accepted wherever a RoomSnapshot is. */
export interface TLStoreSnapshotLike {
  store: Record<string, UnknownRecord>;
  schema: SerializedSchema;
}

/** A stored document as read: its state unchecked, its clock known or `null`. */
export interface RawDocument {
  state: unknown;
  lastChangedClock: number | null;
}

/** A snapshot with every field present; documents not yet checked. */
export interface NormalizedSnapshot {
  documentClock: number;
  tombstoneHistoryStartsAtClock: number;
  documents: RawDocument[];
  tombstones: Record<string, number>;
  /** As stored (unchecked), or the schema's earliest version when none was stored. */
  schema: unknown;
}

function clockOf(value: unknown): number | null {
  return isClock(value) ? value : null;
}

/** Fill in defaults and legacy fields; clamp clocks so they are never behind the data. */
export function normalizeSnapshot(
  schema: AnyStoreSchema,
  input: RoomSnapshot | TLStoreSnapshotLike,
): NormalizedSnapshot {
  if (!("documents" in input) && "store" in input) {
    const store = typeof input.store === "object" && input.store !== null ? input.store : {};
    return {
      documentClock: 0,
      tombstoneHistoryStartsAtClock: 0,
      documents: Object.values(store).map((state) => ({ state, lastChangedClock: 0 })),
      tombstones: {},
      schema: input.schema,
    };
  }
  const snapshot = input as RoomSnapshot;
  if (!Array.isArray(snapshot.documents)) throw new TypeError("Snapshot has no documents array");
  const documents: RawDocument[] = snapshot.documents.map((d: unknown) => {
    const doc = typeof d === "object" && d !== null ? d as Record<string, unknown> : {};
    return { state: doc["state"], lastChangedClock: clockOf(doc["lastChangedClock"]) };
  });
  let clock = clockOf(snapshot.documentClock) ?? clockOf(snapshot.clock) ?? 0;
  for (const doc of documents) clock = Math.max(clock, doc.lastChangedClock ?? 0);
  const tombstones: [string, number][] = [];
  const stored = typeof snapshot.tombstones === "object" && snapshot.tombstones !== null
    ? snapshot.tombstones
    : {};
  for (const [id, value] of Object.entries(stored)) {
    const c = clockOf(value);
    if (c !== null) tombstones.push([id, c]), clock = Math.max(clock, c);
  }
  const historyStart = Math.min(clockOf(snapshot.tombstoneHistoryStartsAtClock) ?? clock, clock);
  return {
    documentClock: clock,
    tombstoneHistoryStartsAtClock: historyStart,
    documents,
    tombstones: Object.fromEntries(tombstones.filter(([, c]) => c >= historyStart)),
    schema: snapshot.schema ?? earliestSchema(schema),
  };
}

function earliestSchema(schema: AnyStoreSchema): SerializedSchema {
  // `serializeEarliestVersion` exists at run time but is not in the published types.
  const s = schema as unknown as { serializeEarliestVersion?: () => SerializedSchema };
  return s.serializeEarliestVersion ? s.serializeEarliestVersion() : schema.serialize();
}
