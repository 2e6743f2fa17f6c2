/**
 * The room's authoritative documents, held in memory: records with the clock they last changed
 * at, tombstones, the document clock and the start of tombstone history.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { RoomSnapshot, StoredDocument } from "../storage/storage.ts";
import { systemTime, type TimeSource } from "../ports/time_source.ts";
import { TombstoneLedger } from "./tombstone_ledger.ts";
import {
  DEFAULT_TOMBSTONE_RETENTION,
  type TombstoneRetention,
  trimTombstones,
} from "./tombstone_retention.ts";

/** Documents changed since a client's clock, as the connect reply needs them. */
export interface ChangesSince {
  wipeAll: boolean;
  puts: UnknownRecord[];
  deletes: string[];
}

/** How a store remembers deletions. */
export interface DocumentStoreOptions {
  /** Tombstone budgets. Default {@linkcode DEFAULT_TOMBSTONE_RETENTION}. */
  retention?: TombstoneRetention;
  /** Wall time for tombstone ages. Default: the system clock. */
  time?: TimeSource;
}

/** In-memory document state. Mutated only through {@linkcode StoreTransaction}. */
export class DocumentStore {
  /** id → stored document. */
  readonly documents: Map<string, StoredDocument> = new Map();
  /** Deletions by clock. */
  readonly tombstones: TombstoneLedger;
  /** Clock of the latest writing transaction. */
  documentClock = 0;
  /** Oldest clock for which deletions are known. */
  tombstoneHistoryStartsAtClock = 0;
  /** Schema the documents conform to. */
  schema: SerializedSchema;
  /** Tombstone budgets. */
  readonly retention: TombstoneRetention;
  /** Wall time for tombstone ages. */
  readonly time: TimeSource;

  /** Build from a normalised snapshot. */
  constructor(snapshot: Required<Omit<RoomSnapshot, "clock">>, options: DocumentStoreOptions = {}) {
    this.retention = options.retention ?? DEFAULT_TOMBSTONE_RETENTION;
    this.time = options.time ?? systemTime;
    this.schema = snapshot.schema;
    this.documentClock = snapshot.documentClock;
    this.tombstoneHistoryStartsAtClock = snapshot.tombstoneHistoryStartsAtClock;
    for (const doc of snapshot.documents) this.documents.set(doc.state.id, doc);
    const tombstones = Object.entries(snapshot.tombstones).filter(([id]) =>
      !this.documents.has(id)
    );
    this.tombstones = new TombstoneLedger(tombstones, this.time.now());
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
    const deletes = wipeAll ? [] : this.tombstones.deletedAfter(since);
    return { wipeAll, puts, deletes };
  }

  /** Apply the retention policy; returns the ids of the tombstones dropped. */
  trimTombstones(): string[] {
    const trim = trimTombstones(
      this.tombstones,
      this.retention,
      this.time.now(),
      this.documentClock,
    );
    if (!trim) return [];
    this.tombstoneHistoryStartsAtClock = trim.historyStartsAt;
    return trim.droppedIds;
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
