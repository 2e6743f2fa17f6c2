/**
 * One live `Room` per room id in this process: loaded from storage on first connect, shared by
 * concurrent connects, evicted after the last session leaves (after a grace period), and dropped
 * at once when its storage fails.
 * @module
 */
import type { StoreSchema, UnknownRecord } from "@tldraw/store";
import { CloseCode, CloseText } from "../protocol/close_reason.ts";
import type { Logger } from "../ports/logger.ts";
import { Room } from "../room/room.ts";
import type { RoomEmitter } from "../room/room_events.ts";
import type { RoomLimits } from "../room/room_limits.ts";
import type { TimerHandle, TimeSource } from "../ports/time_source.ts";
import type { RoomSnapshot, StorageProvider } from "../storage/storage.ts";
import type { RoomHistory } from "../storage/room_history.ts";
import { RoomLoadError } from "./room_load_error.ts";
import type { ServerEmitter } from "./server_events.ts";

/** Options of the registry. */
export interface RoomRegistryOptions {
  storage: StorageProvider;
  schema?: StoreSchema<UnknownRecord, unknown> | undefined;
  time: TimeSource;
  logger: Logger;
  graceMs: number;
  clientTimeout?: number | undefined;
  /** Record, room and message caps handed to every room. */
  limits?: RoomLimits | undefined;
  /** The server's emitter: every room's events are delivered to it too. */
  events: ServerEmitter;
}

interface Entry {
  loading: Promise<Room>;
  room?: Room;
  evictTimer?: TimerHandle;
  closing?: Promise<void>;
  /** Callers inside `withRoom`; the room is not evicted while any remain. */
  pins?: number;
}

/** The process's rooms. */
export class RoomRegistry {
  #options: RoomRegistryOptions;
  #entries = new Map<string, Entry>();
  /** Rooms being deleted; `acquire` waits for them. */
  #deleting = new Map<string, Promise<void>>();

  /** Create an empty registry. */
  constructor(options: RoomRegistryOptions) {
    this.#options = options;
  }

  /** The room, loading it if needed. Never two live instances of one id. */
  async acquire(roomId: string): Promise<Room> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const deleting = this.#deleting.get(roomId);
      if (deleting) {
        await deleting;
        continue;
      }
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

  /** The live room, without loading it. */
  get(roomId: string): Room | undefined {
    const entry = this.#entries.get(roomId);
    return entry?.room && !entry.closing && !this.#deleting.has(roomId) ? entry.room : undefined;
  }

  /**
   * Run `fn` with the room (loading it if needed), kept loaded until `fn` settles; afterwards an
   * empty room is evicted after the grace period as usual.
   */
  async withRoom<T>(roomId: string, fn: (room: Room) => Promise<T> | T): Promise<T> {
    const room = await this.acquire(roomId);
    const entry = this.#entries.get(roomId);
    const pinned = entry?.room === room ? entry : undefined;
    if (pinned) pinned.pins = (pinned.pins ?? 0) + 1;
    try {
      return await fn(room);
    } finally {
      if (pinned) pinned.pins! -= 1;
      this.releaseIfEmpty(roomId);
    }
  }

  /** Close a live room's sockets with `code` and evict it; false if it was not live. */
  async closeRoom(roomId: string, code: number, reason: string): Promise<boolean> {
    const entry = this.#entries.get(roomId);
    if (!entry || entry.closing) return false;
    await this.#close(roomId, entry, code, reason);
    return true;
  }

  /** Ids in storage, or `undefined` when the provider cannot list them. */
  async listStored(): Promise<string[] | undefined> {
    return await this.#options.storage.listRooms?.();
  }

  /** What storage can read of a room that does not load (export), if it can tell. */
  async salvageStored(roomId: string): Promise<RoomSnapshot | undefined> {
    return await this.#options.storage.salvageRoom?.(roomId);
  }

  /** The room's kept history, read from storage; `undefined` when storage keeps none. */
  async history(roomId: string): Promise<RoomHistory | undefined> {
    return await this.#options.storage.history?.(roomId);
  }

  /**
   * Close the room if live (sockets get `code`), then delete its stored state. Connects wait
   * until the deletion is done. False (and nothing done) when storage cannot delete rooms.
   */
  async deleteRoom(roomId: string, code: number, reason: string): Promise<boolean> {
    const storage = this.#options.storage;
    if (!storage.deleteRoom) return false;
    while (this.#deleting.has(roomId)) await this.#deleting.get(roomId)!.catch(() => {});
    const work = (async () => {
      const entry = this.#entries.get(roomId);
      if (entry) await (entry.closing ?? this.#close(roomId, entry, code, reason));
      await storage.deleteRoom!(roomId);
    })();
    const settled = work.catch(() => {}); // the caller sees the error; waiters only need "done"
    this.#deleting.set(roomId, settled);
    try {
      await work;
    } finally {
      if (this.#deleting.get(roomId) === settled) this.#deleting.delete(roomId);
    }
    return true;
  }

  /** Loaded rooms. */
  rooms(): Room[] {
    return [...this.#entries.values()].flatMap((e) => (e.room && !e.closing ? [e.room] : []));
  }

  /** Close every room (flushing storage), e.g. on shutdown. */
  async closeAll(
    code: number = CloseCode.GOING_AWAY,
    reason: string = CloseText.SERVER_SHUTTING_DOWN,
  ): Promise<void> {
    const all = [...this.#entries.values()];
    await Promise.allSettled(all.map(async (entry) => {
      if (entry.evictTimer !== undefined) this.#options.time.clearTimeout(entry.evictTimer);
      const room = await entry.loading.catch(() => undefined);
      await room?.close(code, reason);
    }));
    this.#entries.clear();
  }

  /** Load a room; a failure is one {@linkcode RoomLoadError} line (the cause kept). */
  async #load(roomId: string): Promise<Room> {
    try {
      return await this.#open(roomId);
    } catch (error) {
      throw error instanceof RoomLoadError ? error : new RoomLoadError(roomId, error);
    }
  }

  async #open(roomId: string): Promise<Room> {
    const o = this.#options;
    const storage = await o.storage.openRoom(roomId, {
      onLost: (reason) => {
        o.logger.warn("room_storage_lost", { roomId, reason });
        void this.#entries.get(roomId)?.room?.close(
          CloseCode.SERVICE_RESTART,
          CloseText.ROOM_MOVED,
        );
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
        ...(o.limits ? { limits: o.limits } : {}),
        // The server's emitter takes room events as they are: each carries its roomId.
        eventSink: o.events as unknown as RoomEmitter,
        onSessionRemoved: (_room, info) => {
          const entry = this.#entries.get(roomId);
          if (entry && info.numSessionsRemaining === 0) this.#scheduleEviction(roomId, entry);
        },
        onFailed: () => void this.#entries.delete(roomId),
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
      if (!room || room.getSessionCount() > 0 || entry.pins) return;
      if (this.#entries.get(roomId) !== entry) return;
      void this.#close(roomId, entry, CloseCode.GOING_AWAY, CloseText.ROOM_IDLE);
    }, this.#options.graceMs);
  }

  /** Close the entry's room and forget the entry once closed. */
  #close(roomId: string, entry: Entry, code?: number, reason?: string): Promise<void> {
    this.#cancelEviction(entry);
    entry.closing = (async () => {
      const room = entry.room ?? await entry.loading.catch(() => undefined);
      await room?.close(code, reason);
    })().finally(() => {
      if (this.#entries.get(roomId) === entry) this.#entries.delete(roomId);
    });
    return entry.closing;
  }

  #cancelEviction(entry: Entry): void {
    if (entry.evictTimer === undefined) return;
    this.#options.time.clearTimeout(entry.evictTimer);
    entry.evictTimer = undefined;
  }
}
