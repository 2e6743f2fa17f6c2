/**
 * The room's authoritative documents, held in memory: records with the clock they last changed
 * at, tombstones, the document clock and the start of tombstone history.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { RoomSnapshot, StoredDocument } from "../storage/storage.ts";
import { computeTombstonePruning } from "./tombstone_pruning.ts";

/** Documents changed since a client's clock, as the connect reply needs them. */
export interface ChangesSince {
  wipeAll: boolean;
  puts: UnknownRecord[];
  deletes: string[];
}

/** In-memory document state. Mutated only through {@linkcode StoreTransaction}. */
export class DocumentStore {
  /** id → stored document. */
  readonly documents: Map<string, StoredDocument> = new Map();
  /** id → clock of deletion. */
  readonly tombstones: Map<string, number> = new Map();
  /** Clock of the latest writing transaction. */
  documentClock = 0;
  /** Oldest clock for which deletions are known. */
  tombstoneHistoryStartsAtClock = 0;
  /** Schema the documents conform to. */
  schema: SerializedSchema;

  /** Build from a normalised snapshot. */
  constructor(snapshot: Required<Omit<RoomSnapshot, "clock">>) {
    this.schema = snapshot.schema;
    this.documentClock = snapshot.documentClock;
    this.tombstoneHistoryStartsAtClock = snapshot.tombstoneHistoryStartsAtClock;
    for (const doc of snapshot.documents) this.documents.set(doc.state.id, doc);
    for (const [id, clock] of Object.entries(snapshot.tombstones)) {
      if (!this.documents.has(id)) this.tombstones.set(id, clock);
    }
  }

  /** A record by id. */
  get(id: string): UnknownRecord | undefined {
    return this.documents.get(id)?.state;
  }

  /** What a client at `sinceClock` is missing; `undefined` when it is up to date. */
  getChangesSince(sinceClock: number): ChangesSince | undefined {
    if (sinceClock === this.documentClock) return undefined;
    const since = sinceClock > this.documentClock ? -1 : sinceClock;
    const wipeAll = since < this.tombstoneHistoryStartsAtClock;
    const puts: UnknownRecord[] = [];
    for (const doc of this.documents.values()) {
      if (wipeAll || doc.lastChangedClock > since) puts.push(doc.state);
    }
    const deletes: string[] = [];
    if (!wipeAll) {
      for (const [id, clock] of this.tombstones) if (clock > since) deletes.push(id);
    }
    return { wipeAll, puts, deletes };
  }

  /** Drop the oldest tombstones when over the cap; returns the ids dropped. */
  pruneTombstones(): string[] {
    const pruning = computeTombstonePruning(this.tombstones, this.documentClock);
    if (!pruning) return [];
    for (const id of pruning.idsToDelete) this.tombstones.delete(id);
    this.tombstoneHistoryStartsAtClock = pruning.newTombstoneHistoryStartsAtClock;
    return pruning.idsToDelete;
  }

  /** The full state as a snapshot (records are shared: they are never mutated). */
  toSnapshot(): RoomSnapshot {
    return {
      documentClock: this.documentClock,
      tombstoneHistoryStartsAtClock: this.tombstoneHistoryStartsAtClock,
      documents: [...this.documents.values()],
      tombstones: Object.fromEntries(this.tombstones),
      schema: this.schema,
    };
  }
}
