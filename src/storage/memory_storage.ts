/**
 * In-memory storage: the default when no persistent store is configured, and the reference
 * implementation of the {@linkcode RoomStorage} contract.
 * @module
 */
import { systemTime, type TimeSource } from "../ports/time_source.ts";
import { BackendHistory } from "./backend_history.ts";
import { type HistoryPolicy, resolveHistoryPolicy } from "./history_policy.ts";
import { HistoryPruner } from "./history_pruner.ts";
import { MemoryHistoryBackend } from "./memory_history.ts";
import type { RoomHistory } from "./room_history.ts";
import type {
  RoomCommit,
  RoomSnapshot,
  RoomStorage,
  StorageProvider,
  StoredDocument,
} from "./storage.ts";

/** One room's state held in memory; commits apply synchronously. */
export class MemoryRoomStorage implements RoomStorage {
  #snapshot: RoomSnapshot | undefined;
  #documents = new Map<string, StoredDocument>();
  #tombstones = new Map<string, number>();
  #onCommit: ((commit: RoomCommit, records: number) => void) | undefined;

  /**
   * Start from `snapshot`, or empty (a new room) when it is omitted. `onCommit` sees every
   * applied commit and the number of documents after it (history keeps it).
   */
  constructor(
    snapshot?: RoomSnapshot,
    onCommit?: (commit: RoomCommit, records: number) => void,
  ) {
    if (snapshot) this.#reset(snapshot);
    this.#onCommit = onCommit;
  }

  /** Return a copy of the stored state. */
  load(): Promise<RoomSnapshot | undefined> {
    return Promise.resolve(this.#snapshot ? this.snapshot() : undefined);
  }

  /** Apply a commit; durable immediately. */
  commit(commit: RoomCommit): void {
    if (commit.replace) {
      this.#documents.clear();
      this.#tombstones.clear();
    }
    for (const doc of commit.puts) {
      this.#documents.set(doc.state.id, doc);
      this.#tombstones.delete(doc.state.id);
    }
    for (const [id, clock] of Object.entries(commit.deletes)) {
      this.#documents.delete(id);
      this.#tombstones.set(id, clock);
    }
    for (const id of commit.prunedTombstones) {
      this.#tombstones.delete(id);
      this.#documents.delete(id);
    }
    this.#snapshot = {
      documentClock: commit.documentClock,
      tombstoneHistoryStartsAtClock: commit.tombstoneHistoryStartsAtClock,
      schema: commit.schema,
      documents: [],
    };
    this.#onCommit?.(commit, this.#documents.size);
  }

  /** Nothing to release. */
  close(): void {}

  /** True once a snapshot was given or a commit applied. */
  hasState(): boolean {
    return this.#snapshot !== undefined;
  }

  /** The stored state as a snapshot (records are shared, not copied: they are never mutated). */
  snapshot(): RoomSnapshot {
    return {
      documentClock: this.#snapshot?.documentClock ?? this.#snapshot?.clock ?? 0,
      tombstoneHistoryStartsAtClock: this.#snapshot?.tombstoneHistoryStartsAtClock ?? 0,
      ...(this.#snapshot?.schema ? { schema: this.#snapshot.schema } : {}),
      documents: [...this.#documents.values()],
      tombstones: Object.fromEntries(this.#tombstones),
    };
  }

  #reset(snapshot: RoomSnapshot): void {
    this.#snapshot = snapshot;
    for (const doc of snapshot.documents) this.#documents.set(doc.state.id, doc);
    for (const [id, clock] of Object.entries(snapshot.tombstones ?? {})) {
      this.#tombstones.set(id, clock);
    }
  }
}

/** Options of {@linkcode MemoryStorageProvider}. */
export interface MemoryStorageOptions {
  /** History bounds, or `false` to keep no history. Default: the default policy. */
  history?: HistoryPolicy | false;
  /** Clock and timers of history (commit times, pruning). Default: the system's. */
  time?: TimeSource;
}

interface MemoryRoom {
  storage: MemoryRoomStorage;
  history?: MemoryHistoryBackend;
  pruner?: HistoryPruner;
}

/** Keeps every room (and its history) in memory for the life of the process. */
export class MemoryStorageProvider implements StorageProvider {
  #rooms = new Map<string, MemoryRoom>();
  #options: MemoryStorageOptions;

  /** Rooms in memory; history on unless `options.history` is false. */
  constructor(options: MemoryStorageOptions = {}) {
    this.#options = options;
  }

  /** Open (or create) a room. */
  openRoom(roomId: string): Promise<RoomStorage> {
    let room = this.#rooms.get(roomId);
    if (!room) {
      room = this.#create();
      this.#rooms.set(roomId, room);
    }
    return Promise.resolve(room.storage);
  }

  /** The room's history (`undefined` when history is off or the room was never opened). */
  history(roomId: string): Promise<RoomHistory | undefined> {
    const backend = this.#rooms.get(roomId)?.history;
    return Promise.resolve(backend && new BackendHistory(backend));
  }

  /** Run one pruning pass of a room's history now (tests, tools); false when nothing to do. */
  async pruneHistory(roomId: string): Promise<boolean> {
    return (await this.#rooms.get(roomId)?.pruner?.pass()) ?? false;
  }

  /** Stop the history pruners. */
  async close(): Promise<void> {
    await Promise.all([...this.#rooms.values()].map((r) => r.pruner?.close()));
  }

  #create(): MemoryRoom {
    if (this.#options.history === false) return { storage: new MemoryRoomStorage() };
    const time = this.#options.time ?? systemTime;
    const history = new MemoryHistoryBackend();
    const pruner = new HistoryPruner(history, {
      policy: resolveHistoryPolicy(this.#options.history),
      time,
    });
    const storage = new MemoryRoomStorage(undefined, (commit, records) => {
      history.append(commit, commit.time ?? time.now(), records);
      pruner.noteCommit();
    });
    return { storage, history, pruner };
  }

  /** Ids of rooms that have been stored at least once. */
  listRooms(): Promise<string[]> {
    return Promise.resolve([...this.#rooms.keys()]);
  }

  /** A room's stored state (records loading skips included), without loading it. */
  salvageRoom(roomId: string): Promise<RoomSnapshot | undefined> {
    const room = this.#rooms.get(roomId)?.storage;
    return Promise.resolve(room?.hasState() ? room.snapshot() : undefined);
  }

  /** Forget a room. */
  async deleteRoom(roomId: string): Promise<void> {
    const room = this.#rooms.get(roomId);
    this.#rooms.delete(roomId);
    await room?.pruner?.close();
  }
}
