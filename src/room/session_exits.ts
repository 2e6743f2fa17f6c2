/**
 * The ways a session leaves the room: parked (socket gone, presence kept for a reconnect),
 * evicted (gone for good, its presence removal broadcast) or refused (evicted for a protocol
 * error, told why in the style its protocol version expects).
 * @module
 */
import { CloseReason, SYNC_ERROR_CLOSE_CODE, toLegacyReason } from "../protocol/close_reason.ts";
import type { RecordChange } from "../diff/record_change.ts";
import { broadcastChanges } from "./broadcast.ts";
import { Farewell } from "./client_profile.ts";
import { isCurrent, type RoomCore } from "./room_core.ts";
import { type Session, SessionPhase } from "./session.ts";
import { SOCKET_OPEN } from "../ports/socket_like.ts";

/** Socket closed or the client fell silent: close the socket, keep the presence for the grace. */
export function parkSession(core: RoomCore, session: Session): void {
  if (!session.park(core.time.now())) return;
  session.outbox.dispose();
  closeSocket(session);
  core.liveness.wakeBy(session.deadline(core.liveness.policy));
}

/** A session's phase ran out: a live one is parked, any other is evicted. */
export function expireSession(core: RoomCore, session: Session): void {
  if (session.phase === SessionPhase.Live) parkSession(core, session);
  else evictSession(core, session);
}

/** Remove a session now; with `refusal`, tell the client why (4099 or the legacy message). */
export function evictSession(core: RoomCore, session: Session, refusal?: string): void {
  if (!isCurrent(core, session)) return;
  core.sessions.delete(session.sessionId);
  sayGoodbye(session, refusal);
  if (session.presenceId && core.presence.has(session.presenceId)) {
    const before = core.presence.get(session.presenceId)!;
    core.presence.delete(session.presenceId);
    const changes = new Map<string, RecordChange>([
      [session.presenceId, { before, after: undefined }],
    ]);
    broadcastOrRefuse(core, changes, core.store.documentClock);
  }
  core.onSessionRemoved({
    sessionId: session.sessionId,
    numSessionsRemaining: core.sessions.size,
    meta: session.meta,
  });
}

/** Refuse a session for a protocol error: log, then evict with `reason`. */
export function refuseSession(core: RoomCore, session: Session, reason: string): void {
  core.logger.warn("session_rejected", {
    roomId: core.roomId,
    sessionId: session.sessionId,
    reason,
  });
  evictSession(core, session, reason);
}

/** Broadcast, then refuse the sessions the change could not be migrated to. */
export function broadcastOrRefuse(
  core: RoomCore,
  changes: Map<string, RecordChange>,
  clock: number,
  exclude?: Session,
): void {
  for (const session of broadcastChanges(core, changes, clock, exclude)) {
    refuseSession(core, session, CloseReason.CLIENT_TOO_OLD);
  }
}

function sayGoodbye(session: Session, refusal: string | undefined): void {
  if (refusal && session.farewell === Farewell.LegacyMessage) {
    const reason = toLegacyReason(refusal);
    session.outbox.send(JSON.stringify({ type: "incompatibility_error", reason }));
    session.outbox.dispose();
    return closeSocket(session);
  }
  if (refusal) session.outbox.flush();
  session.outbox.dispose();
  closeSocket(session, refusal);
}

function closeSocket(session: Session, refusal?: string): void {
  const socket = session.socket;
  if (socket.readyState > SOCKET_OPEN) return;
  try {
    if (refusal) socket.close(SYNC_ERROR_CLOSE_CODE, truncateReason(refusal));
    else socket.close();
  } catch {
    // Closing an already-closing socket can throw on some runtimes; it is going away anyway.
  }
}

/** Close reasons are limited to 123 UTF-8 bytes. */
function truncateReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= 123) return reason;
  return new TextDecoder().decode(bytes.slice(0, 120)).replace(/\uFFFD+$/, "");
}
