/**
 * Readonly views of a room's past (`/connect/<room>?at=<clock>`): one in-memory `Room` per
 * (room, clock), loaded from the history snapshot, never persisted (its storage is a throwaway
 * memory store) and unaffected by the live room. Evicted once empty for the grace period; at
 * most `maxViews` at once per process.
 * @module
 */
import type { StoreSchema, UnknownRecord } from "@tldraw/store";
import type { Logger } from "../ports/logger.ts";
import type { TimerHandle, TimeSource } from "../ports/time_source.ts";
import { Room } from "../room/room.ts";
import type { RoomLimits } from "../room/room_limits.ts";
import { MemoryRoomStorage } from "../storage/memory_storage.ts";
import type { RoomRegistry } from "./room_registry.ts";

/** Default {@linkcode HistoryViewOptions.maxViews}. */
export const DEFAULT_MAX_HISTORY_VIEWS = 16;
/** Largest {@linkcode HistoryViewOptions.maxViews}. */
export const MAX_HISTORY_VIEWS_CEILING = 1000;

/** Options of history views (`SyncServerOptions.history`). */
export interface HistoryViewOptions {
  /**
   * Secret the view tickets are keyed by (the admin API issues them). Default: a random key per
   * process (tickets then work only on the process that issued them). The default server uses
   * the admin token.
   */
  ticketSecret?: string;
  /** Ticket lifetime in ms. Default 10 minutes. */
  ticketTtlMs?: number;
  /** Views (room, clock) loaded at once per process; one more is refused with 1013. Default 16. */
  maxViews?: number;
}

/** What the views need from the server. */
export interface HistoryViewsInit {
  registry: RoomRegistry;
  schema?: StoreSchema<UnknownRecord, unknown> | undefined;
  time: TimeSource;
  logger: Logger;
  limits: RoomLimits;
  clientTimeout?: number | undefined;
  graceMs: number;
  maxViews: number;
}

interface View {
  loading: Promise<Room | undefined>;
  room?: Room;
  timer?: TimerHandle;
}

/** The process's history views. */
export class HistoryViews {
  #init: HistoryViewsInit;
  #views = new Map<string, View>();

  /** Views loaded through `init.registry`'s storage. */
  constructor(init: HistoryViewsInit) {
    this.#init = init;
  }

  /**
   * Load (or share) the view of `roomId` at `clock`: `undefined` when that clock is not kept,
   * `"full"` when `maxViews` are loaded.
   */
  async open(roomId: string, clock: number): Promise<Room | undefined | "full"> {
    const key = `${clock}@${roomId}`;
    let view = this.#views.get(key);
    if (!view) {
      if (this.#views.size >= this.#init.maxViews) return "full";
      view = { loading: this.#load(roomId, clock) };
      this.#views.set(key, view);
    }
    const room = await view.loading.catch(() => undefined);
    if (!room) {
      if (this.#views.get(key) === view) this.#views.delete(key);
      return undefined;
    }
    view.room = room;
    this.#evictLater(key, view); // cancelled when a session joins
    return room;
  }

  /** Close every view (server shutdown). */
  async closeAll(code: number, reason: string): Promise<void> {
    const views = [...this.#views.values()];
    this.#views.clear();
    await Promise.allSettled(views.map(async (v) => {
      if (v.timer !== undefined) this.#init.time.clearTimeout(v.timer);
      await (await v.loading.catch(() => undefined))?.close(code, reason);
    }));
  }

  async #load(roomId: string, clock: number): Promise<Room | undefined> {
    const snapshot = await (await this.#init.registry.history(roomId))?.at(clock);
    if (!snapshot) return undefined;
    const init = this.#init;
    const room = await Room.load({
      roomId,
      storage: new MemoryRoomStorage(snapshot),
      ...(init.schema ? { schema: init.schema } : {}),
      time: init.time,
      logger: init.logger,
      limits: init.limits,
      ...(init.clientTimeout !== undefined ? { clientTimeout: init.clientTimeout } : {}),
    });
    const key = `${clock}@${roomId}`;
    room.events.on("session_joined", () => {
      const view = this.#views.get(key);
      if (view?.timer !== undefined) init.time.clearTimeout(view.timer);
      if (view) view.timer = undefined;
    });
    room.events.on("session_left", (e) => {
      const view = this.#views.get(key);
      if (e.sessionsRemaining === 0 && view) this.#evictLater(key, view);
    });
    return room;
  }

  #evictLater(key: string, view: View): void {
    const time = this.#init.time;
    if (view.timer !== undefined) time.clearTimeout(view.timer);
    view.timer = time.setTimeout(() => {
      view.timer = undefined;
      if (this.#views.get(key) !== view || (view.room?.getSessionCount() ?? 0) > 0) return;
      this.#views.delete(key);
      void view.room?.close();
    }, this.#init.graceMs);
  }
}
