/**
 * Session attachment, prune timers, host-initiated closes, and the room's own end (close or
 * storage failure). What happens to sessions and to the room is told through the room's events.
 * @module
 */
import type { RoomStorage } from "../storage/storage.ts";
import type { RoomCore } from "./room_core.ts";
import { pruneSessions } from "./prune_sessions.ts";
import { Session, type SessionIdentity, SessionState } from "./session.ts";
import { cancelSession, rejectSession, removeSession } from "./session_lifecycle.ts";
import { CloseReason, SYNC_ERROR_CLOSE_CODE } from "../protocol/close_reason.ts";
import type { SocketConnectOptions } from "./room.ts";
import type { TimerHandle } from "./time_source.ts";
import { SESSION_REMOVAL_WAIT_TIME } from "../protocol/version.ts";

const PRUNE_INTERVAL = 2000;

/** Both anonymous, or the same authorized user. */
function sameOwner(a: SessionIdentity | undefined, b: SessionIdentity | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.userId === b.userId;
}

function refuseTakeover(core: RoomCore, options: SocketConnectOptions): void {
  core.logger.warn("session_takeover_refused", {
    roomId: core.roomId,
    sessionId: options.sessionId,
  });
  try {
    options.socket.close(SYNC_ERROR_CLOSE_CODE, CloseReason.FORBIDDEN);
  } catch {
    // The refused socket may already be closing; the live session is untouched either way.
  }
}

/** Owns the room's timers and its closing. */
export class RoomLifecycle {
  /** True once closed or failed. */
  closed = false;
  #core: RoomCore;
  #storage: RoomStorage;
  #interval: TimerHandle | undefined;
  #followUp: TimerHandle | undefined;
  #lastPrune = 0;

  /** Lifecycle of the room behind `core`. */
  constructor(core: RoomCore, storage: RoomStorage) {
    this.#core = core;
    this.#storage = storage;
  }

  /**
   * Register a socket as a session awaiting `connect`. A live session under the same id is
   * superseded, unless it belongs to another authorized user: then the new socket is refused
   * (4099 FORBIDDEN) and the live session is untouched.
   */
  attach(options: SocketConnectOptions): void {
    this.assertOpen();
    const core = this.#core;
    const previous = core.sessions.get(options.sessionId);
    if (previous && !sameOwner(previous.identity, options.identity)) {
      return refuseTakeover(core, options);
    }
    const presenceId = previous?.presenceId ?? core.presenceType?.createId() ?? null;
    if (previous) {
      previous.outbox.dispose();
      if (previous.socket !== options.socket) {
        try {
          previous.socket.close();
        } catch {
          // The superseded socket may already be closing; nothing else to do with it.
        }
      }
    }
    const session: Session = new Session({
      sessionId: options.sessionId,
      socket: options.socket,
      presenceId,
      isReadonly: options.isReadonly ?? false,
      meta: options.meta,
      identity: options.identity,
      maxMessageBytes: core.limits.maxMessageBytes,
      time: core.time,
      onDead: () => {
        if (core.sessions.get(session.sessionId) === session) cancelSession(core, session);
      },
    });
    core.sessions.set(options.sessionId, session);
    this.#armInterval();
  }

  /** Host-initiated removal of a session. */
  closeSession(sessionId: string, fatalReason?: string): void {
    const session = this.#core.sessions.get(sessionId);
    if (!session) return;
    if (fatalReason) rejectSession(this.#core, session, fatalReason);
    else removeSession(this.#core, session);
  }

  /** Send a `custom` message to a connected session (after anything it is owed). */
  sendCustom(sessionId: string, data: unknown): void {
    const core = this.#core;
    const session = core.sessions.get(sessionId);
    if (!session || session.state !== SessionState.Connected) {
      core.logger.warn("custom_message_dropped", { roomId: core.roomId, sessionId });
      return;
    }
    const json = JSON.stringify({ type: "custom", data });
    core.gate.run(core.store.documentClock, () => {
      if (core.sessions.get(sessionId) === session) session.outbox.send(json);
    });
  }

  /** Prune after a message, at most once a second. */
  pruneSoon(): void {
    const now = this.#core.time.now();
    if (now - this.#lastPrune < 1000) return;
    this.#lastPrune = now;
    pruneSessions(this.#core);
  }

  /** Check again when the current grace periods end. */
  scheduleFollowUpPrune(): void {
    if (this.#followUp !== undefined || this.closed) return;
    this.#followUp = this.#core.time.setTimeout(() => {
      this.#followUp = undefined;
      pruneSessions(this.#core);
    }, SESSION_REMOVAL_WAIT_TIME + 100);
  }

  /** Called by `removeSession`. */
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
  async close(code = 1001, reason = "Room closed"): Promise<void> {
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
    this.#shutdown(1011, "Storage failure", { error });
    Promise.resolve(this.#storage.close()).catch(() => {
      // Releasing a failed storage can fail too; the room is gone either way.
    });
  }

  /** Close every socket; tell listeners (`room_failed` first on a storage `failure`). */
  #shutdown(code: number, reason: string, failure?: { error: unknown }): void {
    this.closed = true;
    const core = this.#core;
    if (this.#interval !== undefined) core.time.clearTimeout(this.#interval);
    if (this.#followUp !== undefined) core.time.clearTimeout(this.#followUp);
    this.#interval = this.#followUp = undefined;
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

  #armInterval(): void {
    if (this.#interval !== undefined || this.closed) return;
    const tick = (): void => {
      this.#interval = undefined;
      pruneSessions(this.#core);
      if (this.#core.sessions.size > 0) this.#armInterval();
    };
    this.#interval = this.#core.time.setTimeout(tick, PRUNE_INTERVAL);
  }
}
