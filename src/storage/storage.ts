/**
 * The storage port: how a room loads its state and makes its changes durable.
 *
 * A room keeps its documents in memory and hands every change to its {@linkcode RoomStorage}
 * as a {@linkcode RoomCommit}. Nothing that depends on a commit (push results, broadcasts,
 * connect replies) is sent before that commit resolves, so an acknowledged edit is durable.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { RoomHistory } from "./room_history.ts";
import type { RoomSnapshot, StoredDocument } from "./room_snapshot.ts";

export type { RoomSnapshot, StoredDocument } from "./room_snapshot.ts";

/** One atomic unit of change handed to storage. */
export interface RoomCommit<R extends UnknownRecord = UnknownRecord> {
  /** Document clock after this commit. */
  documentClock: number;
  /** Oldest clock for which deletions are still known. */
  tombstoneHistoryStartsAtClock: number;
  /** The schema the stored records conform to. */
  schema: SerializedSchema;
  /** When true, every stored document and tombstone not named in this commit is dropped. */
  replace: boolean;
  /** Documents written (full state). */
  puts: StoredDocument<R>[];
  /** Documents deleted: id → tombstone clock. */
  deletes: Record<string, number>;
  /**
   * Ids dropped from history (tombstone pruning): remove their tombstone and, if the deletion
   * happened after the previous commit, any stored document under that id too.
   */
  prunedTombstones: string[];
  /** Wall-clock time of the commit in ms since the epoch (the room's TimeSource). */
  time?: number;
  /** User ids (from `authorize`) whose changes this commit carries. */
  authors?: string[];
}

/** Storage for one room. Opened by a {@linkcode StorageProvider}. */
export interface RoomStorage<R extends UnknownRecord = UnknownRecord> {
  /** Read the room's state; `undefined` for a room never stored. */
  load(): Promise<RoomSnapshot<R> | undefined>;
  /**
   * Make a commit durable. Commits are handed over one at a time, in clock order: the next
   * commit is passed only after the previous one resolved. A returned `void` means durable now.
   * A rejection means the commit may not be durable; the room then stops and reloads.
   */
  commit(commit: RoomCommit<R>): Promise<void> | void;
  /**
   * Storage that writes many rooms' commits together: under load, how long (ms) a room's next
   * commit may wait so that the commits of every room start in the same task and share one
   * write. The room builds the commit when it starts, so changes made while it waits are in it.
   * Absent or 0: commits start at once.
   */
  readonly commitGatherMs?: number;
  /** Release the room (locks, leases, handles). */
  close(): Promise<void> | void;
}

/** Options passed when opening a room's storage. */
export interface OpenRoomOptions {
  /** Called when storage loses the right to write this room (another writer took over). */
  onLost?: (reason: string) => void;
}

/** Opens per-room storage; one per server. */
export interface StorageProvider {
  /** Open the storage of `roomId`. */
  openRoom(roomId: string, options?: OpenRoomOptions): Promise<RoomStorage>;
  /** Ids of every stored room. */
  listRooms?(): Promise<string[]>;
  /** Delete a room's stored state. */
  deleteRoom?(roomId: string): Promise<void>;
  /**
   * Whatever of a room is readable, read without loading or writing it: the export of a room
   * whose stored state does not load. `undefined` when nothing is stored.
   */
  salvageRoom?(roomId: string): Promise<RoomSnapshot | undefined>;
  /**
   * The room's kept past (restore points, the room at a clock), read without loading or writing
   * the room; `undefined` when this provider keeps no history.
   */
  history?(roomId: string): Promise<RoomHistory | undefined>;
  /** Release everything. */
  close?(): Promise<void> | void;
}
