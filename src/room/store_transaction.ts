/**
 * A transaction over a {@linkcode DocumentStore}: writes are staged in an overlay and applied
 * all at once by `commit()`, advancing the clock exactly once; dropping it rolls back.
 * @module
 */
import type { SerializedSchema, SynchronousStorage, UnknownRecord } from "@tldraw/store";
import type { RecordChange } from "../diff/record_change.ts";
import type { DocumentStore } from "./document_store.ts";

/** What a committed transaction changed. */
export interface CommittedChanges {
  /** Changes in the order they were first made. */
  changes: Map<string, RecordChange>;
  /** Document clock after the commit (unchanged when nothing changed). */
  documentClock: number;
  /** Tombstones pruned as a result of the commit. */
  prunedTombstones: string[];
}

/** Staged writes against a store; also usable as the `SynchronousStorage` migrations need. */
export class StoreTransaction implements SynchronousStorage<UnknownRecord> {
  #store: DocumentStore;
  #overlay = new Map<string, UnknownRecord | undefined>();
  #changes = new Map<string, RecordChange>();
  #schema: SerializedSchema | undefined;
  #done = false;

  /** Begin a transaction on `store`. */
  constructor(store: DocumentStore) {
    this.#store = store;
  }

  /** A record as seen inside the transaction. */
  get(id: string): UnknownRecord | undefined {
    return this.#overlay.has(id) ? this.#overlay.get(id) : this.#store.get(id);
  }

  /** Create or replace a record. */
  set(id: string, record: UnknownRecord): void {
    this.#assertOpen();
    if (record.id !== id) throw new TypeError(`Cannot set record "${record.id}" under id "${id}"`);
    this.#track(id, record);
  }

  /** Delete a record; a no-op for a missing id. */
  delete(id: string): void {
    this.#assertOpen();
    if (this.get(id) === undefined) return;
    this.#track(id, undefined);
  }

  /** Ids visible inside the transaction. */
  *keys(): IterableIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  /** Records visible inside the transaction. */
  *values(): IterableIterator<UnknownRecord> {
    for (const [, record] of this.entries()) yield record;
  }

  /** `[id, record]` pairs visible inside the transaction (a stable copy). */
  entries(): IterableIterator<[string, UnknownRecord]> {
    const out: [string, UnknownRecord][] = [];
    for (const [id, doc] of this.#store.documents) {
      if (!this.#overlay.has(id)) out.push([id, doc.state]);
    }
    for (const [id, record] of this.#overlay) if (record) out.push([id, record]);
    return out[Symbol.iterator]();
  }

  /** The schema as seen inside the transaction. */
  getSchema(): SerializedSchema {
    return this.#schema ?? this.#store.schema;
  }

  /** Change the stored schema (migrations). */
  setSchema(schema: SerializedSchema): void {
    this.#schema = schema;
  }

  /** The changes staged so far (before `commit`). */
  get changes(): ReadonlyMap<string, RecordChange> {
    return this.#changes;
  }

  /** True when anything was written. */
  hasChanges(): boolean {
    return this.#changes.size > 0 || this.#schema !== undefined;
  }

  /** Apply the staged writes; the clock advances once if anything changed. */
  commit(): CommittedChanges {
    this.#assertOpen();
    this.#done = true;
    const store = this.#store;
    if (!this.hasChanges()) {
      return { changes: this.#changes, documentClock: store.documentClock, prunedTombstones: [] };
    }
    const clock = ++store.documentClock;
    if (this.#schema) store.schema = this.#schema;
    const now = store.time.now();
    for (const [id, change] of this.#changes) {
      if (change.after) {
        store.documents.set(id, { state: change.after, lastChangedClock: clock });
        store.tombstones.forget(id);
      } else {
        store.documents.delete(id);
        store.tombstones.record(id, clock, now);
      }
    }
    const prunedTombstones = store.trimTombstones();
    return { changes: this.#changes, documentClock: clock, prunedTombstones };
  }

  /** Discard the staged writes. */
  rollback(): void {
    this.#done = true;
  }

  #track(id: string, next: UnknownRecord | undefined): void {
    const existing = this.#changes.get(id);
    const before = existing ? existing.before : this.#store.get(id);
    this.#overlay.set(id, next);
    if (before === undefined && next === undefined) this.#changes.delete(id);
    else this.#changes.set(id, { before, after: next });
  }

  #assertOpen(): void {
    if (this.#done) throw new Error("Cannot use a transaction after it ended");
  }
}
