/**
 * The running size of a room: each document's serialized size, measured once when it changes,
 * and their total. A push is checked against the room cap from the sizes of the records it
 * changes only, never by serializing the whole room.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import type { RecordChange } from "../diff/record_change.ts";
import { utf8Length } from "../protocol/utf8_length.ts";
import type { DocumentStore } from "./document_store.ts";

/** UTF-8 bytes of a record's JSON. */
export function recordBytes(record: UnknownRecord): number {
  return utf8Length(JSON.stringify(record));
}

/** Per-document sizes and their sum. */
export class RoomSize {
  #sizes = new Map<string, number>();
  #total = 0;

  /** Measure every document of `store` (once, at load). */
  static of(store: DocumentStore): RoomSize {
    const size = new RoomSize();
    for (const [id, doc] of store.documents) size.#set(id, recordBytes(doc.state));
    return size;
  }

  /** Sum of the documents' sizes, in bytes. */
  get total(): number {
    return this.#total;
  }

  /** Size of one document (0 when absent). */
  sizeOf(id: string): number {
    return this.#sizes.get(id) ?? 0;
  }

  /** How much `changes` would grow the room; `measured` holds the new records' sizes. */
  growth(
    changes: ReadonlyMap<string, RecordChange>,
    measured: ReadonlyMap<string, number>,
  ): number {
    let delta = 0;
    for (const [id, change] of changes) {
      delta += (change.after ? measured.get(id) ?? recordBytes(change.after) : 0) - this.sizeOf(id);
    }
    return delta;
  }

  /** Account for committed `changes`. */
  apply(changes: ReadonlyMap<string, RecordChange>, measured: ReadonlyMap<string, number>): void {
    for (const [id, change] of changes) {
      if (change.after) this.#set(id, measured.get(id) ?? recordBytes(change.after));
      else this.#delete(id);
    }
  }

  #set(id: string, bytes: number): void {
    this.#total += bytes - this.sizeOf(id);
    this.#sizes.set(id, bytes);
  }

  #delete(id: string): void {
    this.#total -= this.sizeOf(id);
    this.#sizes.delete(id);
  }
}
