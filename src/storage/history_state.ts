/**
 * A room's state rebuilt from a base (checkpoint or nothing) and kept commit entries.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import type { HistoryEntry } from "./room_history.ts";
import type { RoomSnapshot, StoredDocument } from "./room_snapshot.ts";

/** Mutable state that entries are applied to, in clock order. */
export class HistoryState {
  #documents = new Map<string, StoredDocument>();
  #tombstones = new Map<string, number>();
  #schema: SerializedSchema | undefined;
  #historyStart = 0;
  /** The clock of the last state applied (-1: nothing yet). */
  clock = -1;

  /** Start from a checkpoint, or from nothing (only a replace entry can follow). */
  constructor(base?: RoomSnapshot) {
    if (!base) return;
    for (const doc of base.documents) this.#documents.set(doc.state.id, doc);
    for (const [id, clock] of Object.entries(base.tombstones ?? {})) {
      this.#tombstones.set(id, clock);
    }
    this.#schema = base.schema;
    this.#historyStart = base.tombstoneHistoryStartsAtClock ?? 0;
    this.clock = base.documentClock ?? base.clock ?? 0;
  }

  /** True once a base or a replace entry gave a complete state. */
  get complete(): boolean {
    return this.clock >= 0;
  }

  /** Apply one entry (the next in clock order). */
  apply(entry: HistoryEntry): void {
    if (entry.replace) {
      this.#documents.clear();
      this.#tombstones.clear();
    }
    for (const doc of entry.puts) {
      this.#documents.set(doc.state.id, doc);
      this.#tombstones.delete(doc.state.id);
    }
    for (const [id, clock] of Object.entries(entry.deletes)) {
      this.#documents.delete(id);
      this.#tombstones.set(id, clock);
    }
    for (const id of entry.pruned) {
      if (this.#tombstones.delete(id)) continue;
      // Deleted and pruned within the commit: the document may still be here.
      if (!entry.puts.some((d) => d.state.id === id)) this.#documents.delete(id);
    }
    if (entry.schema) this.#schema = entry.schema;
    this.#historyStart = entry.historyStart;
    if (entry.replace || this.clock >= 0) this.clock = entry.clock;
  }

  /** The state as a snapshot. */
  toSnapshot(): RoomSnapshot {
    return {
      documentClock: this.clock,
      tombstoneHistoryStartsAtClock: this.#historyStart,
      documents: [...this.#documents.values()],
      tombstones: Object.fromEntries(this.#tombstones),
      ...(this.#schema ? { schema: this.#schema } : {}),
    };
  }
}
