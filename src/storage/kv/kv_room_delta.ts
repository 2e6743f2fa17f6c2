/**
 * What changed in a room since its checkpoint: the latest state of every record changed (a
 * document, a tombstone, or gone: pruned), folded from commits in clock order. Every change is a
 * full overwrite, so folding is exact: the delta of a run of commits, applied to any state, gives
 * what applying them one by one gives. Loading folds the log after the head into one; the
 * checkpoint writes one to the document keys.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import type { RoomCommit, StoredDocument } from "../storage.ts";
import type { LogEntry } from "./kv_log_entry.ts";
import type { StoredDoc } from "./kv_records.ts";

/** A change folded in: its records (replace: the whole room). */
export interface FoldedChange {
  replace?: boolean;
  puts: readonly StoredDocument[];
  deletes: Readonly<Record<string, number>>;
  pruned: readonly string[];
  historyStart?: number | undefined;
  schema?: SerializedSchema | undefined;
}

/** A commit as a change to fold. */
export function changeOfCommit(commit: RoomCommit): FoldedChange {
  return {
    replace: commit.replace,
    puts: commit.puts,
    deletes: commit.deletes,
    pruned: commit.prunedTombstones,
    historyStart: commit.tombstoneHistoryStartsAtClock,
    schema: commit.schema,
  };
}

/**
 * A log entry folded in: one in the room's own log (its keys are deleted once checkpointed, unless
 * the log is kept), or one in the shared journal (`json`: written to the room's log by the
 * checkpoint when the log is kept, `log` the entry itself, which the checkpoint may merge with its
 * neighbours, see `kv_history_merge.ts`; `seq`: this writer's journal value holding it, released
 * once checkpointed).
 */
export interface FoldedEntry {
  clock: number;
  parts: number;
  json?: Uint8Array;
  log?: LogEntry;
  seq?: number;
}

/** Changes since the checkpoint; see the module. */
export class RoomDelta {
  /** id → latest document, tombstone clock, or `null` (gone). */
  changes: Map<string, StoredDocument | number | null> = new Map();
  /** A replace was folded in: records not in `changes` are gone. */
  replaced = false;
  /** Clock of the last change folded (-1: none). */
  clock = -1;
  /** History start after the last change. */
  historyStart: number | undefined;
  /** Schema of the last change that named one. */
  schema: SerializedSchema | undefined;
  /** Log entries folded in, oldest first. */
  entries: FoldedEntry[] = [];
  /** Bytes of those entries. */
  bytes = 0;
  /** When the oldest change was folded in (time source ms; undefined: empty). */
  since: number | undefined;

  /** True when nothing was folded in. */
  get isEmpty(): boolean {
    return this.clock < 0 && this.changes.size === 0 && !this.replaced;
  }

  /** Fold in a change at `clock` (`entry`: its log keys, when it is a log entry). */
  apply(change: FoldedChange, clock: number, at: number, entry?: FoldedEntry & { bytes: number }) {
    if (change.replace) {
      this.changes.clear();
      this.replaced = true;
    }
    for (const doc of change.puts) this.changes.set(doc.state.id, doc);
    for (const id in change.deletes) this.changes.set(id, change.deletes[id]!);
    for (const id of change.pruned) this.changes.set(id, null);
    this.clock = Math.max(this.clock, clock);
    if (change.historyStart !== undefined) this.historyStart = change.historyStart;
    if (change.schema) this.schema = change.schema;
    this.since ??= at;
    if (entry) {
      const { bytes, ...folded } = entry;
      this.entries.push(folded);
      this.bytes += bytes;
    }
  }

  /** Fold `newer` (changes after this one's) in. */
  merge(newer: RoomDelta): void {
    if (newer.replaced) {
      this.changes = newer.changes;
      this.replaced = true;
    } else for (const [id, change] of newer.changes) this.changes.set(id, change);
    this.clock = Math.max(this.clock, newer.clock);
    this.historyStart = newer.historyStart ?? this.historyStart;
    this.schema = newer.schema ?? this.schema;
    this.entries.push(...newer.entries);
    this.bytes += newer.bytes;
    if (newer.since !== undefined) this.since = Math.min(this.since ?? Infinity, newer.since);
  }

  /** Apply to documents read from the document keys (loading). */
  applyTo(docs: Map<string, StoredDoc>): void {
    if (this.replaced) docs.clear();
    for (const [id, change] of this.changes) {
      if (change === null) docs.delete(id);
      else if (typeof change === "number") docs.set(id, { c: change, t: 1 });
      else docs.set(id, { c: change.lastChangedClock, s: change.state });
    }
  }

  /** The changes as lists: documents written, tombstones (id → clock), ids gone. */
  changeLists(): { puts: StoredDocument[]; deletes: Record<string, number>; pruned: string[] } {
    const puts: StoredDocument[] = [];
    const deletes: Record<string, number> = {};
    const pruned: string[] = [];
    for (const [id, change] of this.changes) {
      if (change === null) pruned.push(id);
      else if (typeof change === "number") deletes[id] = change;
      else puts.push(change);
    }
    return { puts, deletes, pruned };
  }

  /** The delta as one commit (what the checkpoint writes to the document keys). */
  toCommit(schema: SerializedSchema, historyStart: number): RoomCommit {
    const { puts, deletes, pruned: prunedTombstones } = this.changeLists();
    return {
      documentClock: this.clock,
      tombstoneHistoryStartsAtClock: this.historyStart ?? historyStart,
      schema: this.schema ?? schema,
      replace: this.replaced,
      puts,
      deletes,
      prunedTombstones,
    };
  }
}
