/**
 * The history port: a room's kept past. Every commit of the recent window is a restore point;
 * older ones are thinned to checkpoints (full snapshots). Read the room as it was at any kept
 * clock, and restore it by loading that snapshot into the live room (a new commit).
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import type { RoomSnapshot, StoredDocument } from "./room_snapshot.ts";

/** How a restore point is kept. */
export const RestorePointKind = {
  /** A commit of the full-granularity window (its changes are kept). */
  commit: "commit",
  /** A full snapshot (a thinned older point, or the base history starts from). */
  checkpoint: "checkpoint",
} as const;
/** How a restore point is kept. */
export type RestorePointKind = typeof RestorePointKind[keyof typeof RestorePointKind];

/** A clock the room can be read at and restored to. */
export interface RestorePoint {
  /** The document clock. */
  clock: number;
  /** When it was committed (ms since the epoch). */
  time: number;
  /** Live documents at this clock. */
  records: number;
  /** Bytes this point keeps in storage (its changes, or the whole snapshot). */
  bytes: number;
  /** User ids (from `authorize`) whose changes the commit carries, when known. */
  authors?: string[];
  /** Commit or checkpoint. */
  kind: RestorePointKind;
}

/** Options of {@linkcode RoomHistory.points}. */
export interface RestorePointsOptions {
  /** Return only the newest `limit` points (still oldest first). Default: all. */
  limit?: number;
}

/** Restore points, oldest first. */
export interface RestorePointList {
  /** The points. */
  points: RestorePoint[];
  /** True when older points exist beyond `limit`. */
  truncated: boolean;
}

/** One kept commit: what changed, as storage received it. */
export interface HistoryEntry {
  /** Document clock after the commit. */
  clock: number;
  /** Commit time (ms since the epoch). */
  time: number;
  /** User ids whose changes it carries. */
  authors?: string[];
  /** The commit rewrote the whole room (`puts`/`deletes` are everything). */
  replace?: true;
  /** Documents written. */
  puts: StoredDocument[];
  /** Documents deleted: id → tombstone clock. */
  deletes: Record<string, number>;
  /** Tombstones dropped. */
  pruned: string[];
  /** Tombstone history start after the commit. */
  historyStart: number;
  /** The schema, when it changed (always on a replace). */
  schema?: SerializedSchema;
  /** Live documents after the commit. */
  records: number;
}

/** A clock range: `after` < clock <= `upTo` (either end open when omitted). */
export interface HistoryRange {
  /** Exclusive lower bound. */
  after?: number;
  /** Inclusive upper bound. */
  upTo?: number;
}

/** A room's kept past, from `StorageProvider.history`. */
export interface RoomHistory {
  /** The restore points, oldest first. */
  points(options?: RestorePointsOptions): Promise<RestorePointList>;
  /** The room as it was at `clock`; `undefined` unless `clock` is a kept restore point. */
  at(clock: number): Promise<RoomSnapshot | undefined>;
  /** The newest restore point committed at or before `time` (ms); `undefined` if none. */
  clockAt(time: number): Promise<number | undefined>;
  /** The kept commits in `range`, in clock order (an export of a range of history). */
  entries(range?: HistoryRange): AsyncIterable<HistoryEntry>;
}
