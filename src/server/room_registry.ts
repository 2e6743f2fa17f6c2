/**
 * One live `Room` per room id in this process: loaded from storage on first connect, shared by
 * concurrent connects, evicted after the last session leaves (after a grace period), and dropped
 * at once when its storage fails.
 * @module
 */
import type { StoreSchema, UnknownRecord } from "@tldraw/store";
import type { Logger } from "../room/logger.ts";
import { Room } from "../room/room.ts";
import type { TimerHandle, TimeSource } from "../room/time_source.ts";
import type { StorageProvider } from "../storage/storage.ts";

/** Options of the registry. */
export interface RoomRegistryOptions {
  storage: StorageProvider;
  schema?: StoreSchema<UnknownRecord, unknown> | undefined;
  time: TimeSource;
  logger: Logger;
  graceMs: number;
  clientTimeout?: number | undefined;
}

interface Entry {
  loading: Promise<Room>;
  room?: Room;
  evictTimer?: TimerHandle;
  closing?: Promise<void>;
}

/** The process's rooms. */
export class RoomRegistry {
  #options: RoomRegistryOptions;
  #entries = new Map<string, Entry>();

  /** Create an empty registry. */
  constructor(options: RoomRegistryOptions) {
    this.#options = options;
  }

  /** The room, loading it if needed. Never two live instances of one id. */
  async acquire(roomId: string): Promise<Room> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const entry = this.#entries.get(roomId);
      if (entry?.closing) {
        await entry.closing;
        continue;
      }
      if (entry) {
        this.#cancelEviction(entry);
        return await entry.loading;
      }
      const fresh: Entry = { loading: this.#load(roomId) };
      this.#entries.set(roomId, fresh);
      fresh.loading.then(
        (room) => (fresh.room = room),
        () => {
          if (this.#entries.get(roomId) === fresh) this.#entries.delete(roomId);
        },
      );
      return await fresh.loading;
    }
    throw new Error(`Cannot open room "${roomId}": it keeps closing`);
  }

  /** Evict the room later if nobody is in it (e.g. a refused first connect). */
  releaseIfEmpty(roomId: string): void {
    const entry = this.#entries.get(roomId);
    if (entry?.room && entry.room.getSessionCount() === 0) this.#scheduleEviction(roomId, entry);
  }

  /** Loaded rooms. */
  rooms(): Room[] {
    return [...this.#entries.values()].flatMap((e) => (e.room && !e.closing ? [e.room] : []));
  }

  /** Close every room (flushing storage), e.g. on shutdown. */
  async closeAll(code = 1001, reason = "Server shutting down"): Promise<void> {
    const all = [...this.#entries.values()];
    await Promise.allSettled(all.map(async (entry) => {
      if (entry.evictTimer !== undefined) this.#options.time.clearTimeout(entry.evictTimer);
      const room = await entry.loading.catch(() => undefined);
      await room?.close(code, reason);
    }));
    this.#entries.clear();
  }

  async #load(roomId: string): Promise<Room> {
    const o = this.#options;
    const storage = await o.storage.openRoom(roomId, {
      onLost: (reason) => {
        o.logger.warn("room_storage_lost", { roomId, reason });
        void this.#entries.get(roomId)?.room?.close(1012, "Room moved");
        this.#entries.delete(roomId);
      },
    });
    try {
      return await Room.load({
        roomId,
        storage,
        time: o.time,
        logger: o.logger,
        ...(o.schema ? { schema: o.schema } : {}),
        ...(o.clientTimeout !== undefined ? { clientTimeout: o.clientTimeout } : {}),
        onSessionRemoved: (_room, info) => {
          const entry = this.#entries.get(roomId);
          if (entry && info.numSessionsRemaining === 0) this.#scheduleEviction(roomId, entry);
        },
        onFailed: () => {
          o.logger.error("room_failed", { roomId });
          this.#entries.delete(roomId);
        },
      });
    } catch (error) {
      await Promise.resolve(storage.close()).catch(() => {
        // The load already failed; a failing close adds nothing.
      });
      throw error;
    }
  }

  #scheduleEviction(roomId: string, entry: Entry): void {
    if (entry.evictTimer !== undefined || entry.closing) return;
    entry.evictTimer = this.#options.time.setTimeout(() => {
      entry.evictTimer = undefined;
      const room = entry.room;
      if (!room || room.getSessionCount() > 0 || this.#entries.get(roomId) !== entry) return;
      this.#options.logger.info("room_evicted", { roomId });
      entry.closing = room.close().finally(() => {
        if (this.#entries.get(roomId) === entry) this.#entries.delete(roomId);
      });
    }, this.#options.graceMs);
  }

  #cancelEviction(entry: Entry): void {
    if (entry.evictTimer === undefined) return;
    this.#options.time.clearTimeout(entry.evictTimer);
    entry.evictTimer = undefined;
  }
}
