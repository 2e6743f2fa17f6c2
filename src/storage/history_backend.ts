/**
 * What a history keeper needs from a store: checkpoints (full snapshots) and kept commit
 * entries, listed, read, written and deleted. {@linkcode BackendHistory} reads through it and
 * {@linkcode HistoryPruner} thins it; the memory and KV stores each implement it.
 * @module
 */
import type { HistoryEntry, HistoryRange } from "./room_history.ts";
import type { RoomSnapshot } from "./room_snapshot.ts";

/** A checkpoint's metadata. */
export interface CheckpointInfo {
  /** The clock of the state it holds. */
  clock: number;
  /** The commit time of that clock. */
  time: number;
  /** Live documents. */
  records: number;
  /** Bytes kept. */
  bytes: number;
}

/** A kept commit's metadata. */
export interface EntryInfo extends CheckpointInfo {
  /** Its authors, when known. */
  authors?: string[];
  /** True for a commit that rewrote the whole room (a base on its own). */
  replace: boolean;
}

/** The metadata of a kept entry whose stored size is `bytes`. */
export function entryInfoOf(entry: HistoryEntry, bytes: number): EntryInfo {
  return {
    clock: entry.clock,
    time: entry.time,
    records: entry.records,
    bytes,
    replace: entry.replace === true,
    ...(entry.authors?.length ? { authors: entry.authors } : {}),
  };
}

/** Options of {@linkcode HistoryBackend.entryInfos}. */
export interface EntryListOptions extends HistoryRange {
  /** Newest first. */
  reverse?: boolean;
  /** At most this many. */
  limit?: number;
}

/** A store of checkpoints and entries. */
export interface HistoryBackend {
  /** Every visible checkpoint, oldest first (a half-written one is not visible). */
  checkpoints(): Promise<CheckpointInfo[]>;
  /** Kept entries' metadata in clock order (or reversed). */
  entryInfos(options?: EntryListOptions): AsyncIterable<EntryInfo>;
  /** Kept entries in clock order. */
  entries(range?: HistoryRange): AsyncIterable<HistoryEntry>;
  /** A checkpoint's snapshot; `undefined` when absent or unreadable. */
  readCheckpoint(clock: number): Promise<RoomSnapshot | undefined>;
  /** Write a checkpoint of `snapshot` (its `documentClock`), visible only once complete. */
  writeCheckpoint(snapshot: RoomSnapshot, time: number): Promise<CheckpointInfo>;
  /** Delete a checkpoint. */
  deleteCheckpoint(clock: number): Promise<void>;
  /** Delete entries, in the order given (callers pass newest first). */
  deleteEntries(clocks: number[]): Promise<void>;
  /** Entries above this clock are still needed by the live room and are never deleted. */
  deletableUpTo?(): Promise<number>;
}
