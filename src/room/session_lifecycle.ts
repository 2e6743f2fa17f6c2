/**
 * Session lifecycle transitions: cancel (grace period), remove, reject.
 * @module
 */
import { SYNC_ERROR_CLOSE_CODE, toLegacyReason } from "../protocol/close_reason.ts";
import { broadcastChanges } from "./broadcast.ts";
import { isCurrent, type RoomCore } from "./room_core.ts";
import { type Session, SessionState } from "./session.ts";
import { SOCKET_OPEN } from "./socket_like.ts";
import { CloseReason } from "../protocol/close_reason.ts";
import type { RecordChange } from "../diff/record_change.ts";

/** Socket closed or went idle: keep the session (and its presence) for the grace period. */
export function cancelSession(core: RoomCore, session: Session): void {
  if (session.state === SessionState.AwaitingRemoval) return;
  session.state = SessionState.AwaitingRemoval;
  session.cancelledAt = core.time.now();
  session.outbox.dispose();
  closeSocket(session);
  core.scheduleFollowUpPrune();
}

/** Remove a session now; with `fatalReason`, close 4099 + reason (or the legacy message). */
export function removeSession(core: RoomCore, session: Session, fatalReason?: string): void {
  if (!isCurrent(core, session)) return;
  core.sessions.delete(session.sessionId);
  if (fatalReason && session.requiresLegacyRejection) {
    session.outbox.send(
      JSON.stringify({ type: "incompatibility_error", reason: toLegacyReason(fatalReason) }),
    );
    session.outbox.dispose();
    closeSocket(session);
  } else {
    if (fatalReason) session.outbox.flush();
    session.outbox.dispose();
    closeSocket(session, fatalReason);
  }
  if (session.presenceId && core.presence.has(session.presenceId)) {
    const before = core.presence.get(session.presenceId)!;
    core.presence.delete(session.presenceId);
    const changes = new Map<string, RecordChange>([[session.presenceId, {
      before,
      after: undefined,
    }]]);
    broadcastAndReject(core, changes, core.store.documentClock);
  }
  core.onSessionRemoved({
    sessionId: session.sessionId,
    numSessionsRemaining: core.sessions.size,
    meta: session.meta,
  });
}

/** Reject a session for a protocol error. */
export function rejectSession(core: RoomCore, session: Session, reason: string): void {
  core.logger.warn("session_rejected", {
    roomId: core.roomId,
    sessionId: session.sessionId,
    reason,
  });
  removeSession(core, session, reason);
}

function closeSocket(session: Session, fatalReason?: string): void {
  const socket = session.socket;
  if (socket.readyState > SOCKET_OPEN) return;
  try {
    if (fatalReason) socket.close(SYNC_ERROR_CLOSE_CODE, truncateReason(fatalReason));
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

/** Broadcast, then reject the sessions that could not be migrated to. */
export function broadcastAndReject(
  core: RoomCore,
  changes: Map<string, RecordChange>,
  clock: number,
  exclude?: Session,
): void {
  for (const session of broadcastChanges(core, changes, clock, exclude)) {
    rejectSession(core, session, CloseReason.CLIENT_TOO_OLD);
  }
}
