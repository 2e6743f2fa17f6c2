/**
 * Host-initiated session closes and custom messages, and the room's own end (close or storage
 * failure). What happens to sessions and to the room is told through the room's events. Session
 * deadlines live in the liveness scheduler, not here.
 * @module
 */
import type { RoomStorage } from "../storage/storage.ts";
import type { RoomCore } from "./room_core.ts";
import { evictSession, refuseSession } from "./session_exits.ts";
import { CloseCode, CloseText } from "../protocol/close_reason.ts";

/** Owns the room's closing and host-initiated session actions. */
export class RoomLifecycle {
  /** True once closed or failed. */
  closed = false;
  #core: RoomCore;
  #storage: RoomStorage;

  /** Lifecycle of the room behind `core`. */
  constructor(core: RoomCore, storage: RoomStorage) {
    this.#core = core;
    this.#storage = storage;
  }

  /** Host-initiated removal of a session. */
  closeSession(sessionId: string, fatalReason?: string): void {
    const session = this.#core.sessions.get(sessionId);
    if (!session) return;
    if (fatalReason) refuseSession(this.#core, session, fatalReason);
    else evictSession(this.#core, session);
  }

  /** Send a `custom` message to a connected session (after anything it is owed). */
  sendCustom(sessionId: string, data: unknown): void {
    const core = this.#core;
    const session = core.sessions.get(sessionId);
    if (!session?.isLive) {
      core.logger.warn("custom_message_dropped", { roomId: core.roomId, sessionId });
      return;
    }
    const json = JSON.stringify({ type: "custom", data });
    core.gate.run(core.store.documentClock, () => {
      if (core.sessions.get(sessionId) === session) session.outbox.send(json);
    });
  }

  /** Called by `evictSession`. */
  sessionRemoved(info: { sessionId: string; numSessionsRemaining: number; meta: unknown }): void {
    if (this.closed) return;
    this.#core.events.emit("session_left", {
      roomId: this.#core.roomId,
      sessionId: info.sessionId,
      sessionsRemaining: info.numSessionsRemaining,
      meta: info.meta,
    });
  }

  /** Called when a push was refused for a cap. */
  pushRejected(sessionId: string, reason: string): void {
    this.#core.events.emit("push_rejected", { roomId: this.#core.roomId, sessionId, reason });
  }

  /** Throw if the room can no longer be used. */
  assertOpen(): void {
    if (this.closed) throw new Error(`Room "${this.#core.roomId}" is closed`);
  }

  /** Flush to storage, close every socket and release storage. */
  async close(
    code: number = CloseCode.GOING_AWAY,
    reason: string = CloseText.ROOM_CLOSED,
  ): Promise<void> {
    if (this.closed) return;
    try {
      await this.#core.commits.flush();
    } catch {
      // The failure path already closed the sockets and reported the error.
    }
    this.#shutdown(code, reason);
    await this.#storage.close();
  }

  /** Storage failed: drop everything not yet durable and make clients reconnect. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.#core.logger.error("storage_failed", { roomId: this.#core.roomId, error: String(error) });
    this.#core.gate.clear();
    this.#shutdown(CloseCode.INTERNAL_ERROR, CloseText.STORAGE_FAILURE, { error });
    Promise.resolve(this.#storage.close()).catch(() => {
      // Releasing a failed storage can fail too; the room is gone either way.
    });
  }

  /** Close every socket; tell listeners (`room_failed` first on a storage `failure`). */
  #shutdown(code: number, reason: string, failure?: { error: unknown }): void {
    this.closed = true;
    const core = this.#core;
    core.liveness.stop();
    for (const session of core.sessions.values()) {
      session.outbox.flush();
      session.outbox.dispose();
      try {
        session.socket.close(code, reason);
      } catch {
        // Already closed sockets may throw; they are closed either way.
      }
    }
    core.sessions.clear();
    core.presence.clear();
    if (failure) core.events.emit("room_failed", { roomId: core.roomId, error: failure.error });
    core.events.emit("room_closed", {
      roomId: core.roomId,
      code,
      reason,
      records: core.store.documents.size,
    });
  }
}
