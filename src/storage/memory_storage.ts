/**
 * In-memory storage: the default when no persistent store is configured, and the reference
 * implementation of the {@linkcode RoomStorage} contract.
 * @module
 */
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

  /** Start from `snapshot`, or empty (a new room) when it is omitted. */
  constructor(snapshot?: RoomSnapshot) {
    if (snapshot) this.#reset(snapshot);
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

/** Keeps every room in memory for the life of the process. */
export class MemoryStorageProvider implements StorageProvider {
  #rooms = new Map<string, MemoryRoomStorage>();

  /** Open (or create) a room. */
  openRoom(roomId: string): Promise<RoomStorage> {
    let room = this.#rooms.get(roomId);
    if (!room) {
      room = new MemoryRoomStorage();
      this.#rooms.set(roomId, room);
    }
    return Promise.resolve(room);
  }

  /** Ids of rooms that have been stored at least once. */
  listRooms(): Promise<string[]> {
    return Promise.resolve([...this.#rooms.keys()]);
  }

  /** A room's stored state (records loading skips included), without loading it. */
  salvageRoom(roomId: string): Promise<RoomSnapshot | undefined> {
    const room = this.#rooms.get(roomId);
    return Promise.resolve(room?.hasState() ? room.snapshot() : undefined);
  }

  /** Forget a room. */
  deleteRoom(roomId: string): Promise<void> {
    this.#rooms.delete(roomId);
    return Promise.resolve();
  }
}
