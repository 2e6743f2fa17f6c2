/**
 * The stored shape of a room: documents with their clocks, tombstones and schema. Shared by the
 * storage port, the history port and export/import.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";

/** A document as stored: its state and the document clock at which it last changed. */
export interface StoredDocument<R extends UnknownRecord = UnknownRecord> {
  /** The record. */
  state: R;
  /** The document clock of its last change. */
  lastChangedClock: number;
}

/**
 * A room's persisted state. Also the snapshot format of export/import.
 *
 * `clock` is the legacy (3.x) name of `documentClock` and is accepted on input.
 */
export interface RoomSnapshot<R extends UnknownRecord = UnknownRecord> {
  /** The clock of the last change. */
  documentClock?: number;
  /** Legacy name of `documentClock`, accepted on input. */
  clock?: number;
  /** Deletions before this clock are no longer listed in `tombstones`. */
  tombstoneHistoryStartsAtClock?: number;
  /** Every record, with the clock of its last change. */
  documents: StoredDocument<R>[];
  /** Deleted record ids and the clock of their deletion. */
  tombstones?: Record<string, number>;
  /** The schema the records were written with. */
  schema?: SerializedSchema;
}
