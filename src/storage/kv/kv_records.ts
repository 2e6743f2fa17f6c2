/**
 * The stored shapes of heads and documents.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";

/** The room head: the commit point of every commit. */
export interface StoredHead {
  v: 1;
  documentClock: number;
  tombstoneHistoryStartsAtClock: number;
  /** Only in heads written before the schema got its own key (read for compatibility). */
  schema?: SerializedSchema;
  /** A large commit journaled but maybe not yet applied to the document keys. */
  journal?: { clock: number; parts: number };
}

/** A document (`s`), a large document split into `parts`, or a tombstone (`t`). */
export type StoredDoc =
  | { c: number; s: UnknownRecord }
  | { c: number; parts: number }
  | { c: number; t: 1 };

/** What the writer knows about the document keys currently stored. */
export interface StoredIndex {
  /** Ids with a doc key (documents and tombstones). */
  known: Set<string>;
  /** Large documents: id → clock of their chunk keys and part count. */
  chunked: Map<string, { clock: number; parts: number }>;
  /** JSON of the stored schema key (`null`: none yet), to write it only when it changes. */
  schemaJson?: string | null;
}
