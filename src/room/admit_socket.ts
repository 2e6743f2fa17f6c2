/**
 * A newly opened socket joins the room as a `handshaking` session. A socket under a session id
 * that is still in the room (live, handshaking or parked in its reconnect grace) takes that
 * session's place and keeps its presence id, unless the old session belongs to another
 * authorized user: then the newcomer is refused and the old session is untouched.
 * @module
 */
import { CloseReason, SYNC_ERROR_CLOSE_CODE } from "../protocol/close_reason.ts";
import type { RoomCore } from "./room_core.ts";
import { Session, type SessionIdentity } from "./session.ts";
import type { SocketConnectOptions } from "./socket_connect_options.ts";
import { parkSession } from "./session_exits.ts";
import type { SocketLike } from "../ports/socket_like.ts";

/** Register `options.socket` as a handshaking session, superseding or refusing as above. */
export function admitSocket(core: RoomCore, options: SocketConnectOptions): void {
  const previous = core.sessions.get(options.sessionId);
  if (previous && !sameOwner(previous.identity, options.identity)) {
    return refuseTakeover(core, options);
  }
  if (previous) retire(previous, options.socket);
  const session: Session = new Session({
    sessionId: options.sessionId,
    socket: options.socket,
    presenceId: previous?.presenceId ?? core.presenceType?.createId() ?? null,
    isReadonly: options.isReadonly ?? false,
    meta: options.meta,
    identity: options.identity,
    maxMessageBytes: core.limits.maxMessageBytes,
    time: core.time,
    onDead: () => {
      if (core.sessions.get(session.sessionId) === session) parkSession(core, session);
    },
  });
  core.sessions.set(options.sessionId, session);
  core.liveness.wakeBy(session.deadline(core.liveness.policy));
}

/** Stop sending to a superseded session and close its socket (unless it is the same one). */
function retire(previous: Session, next: SocketLike): void {
  previous.outbox.dispose();
  if (previous.socket === next) return;
  try {
    previous.socket.close();
  } catch {
    // The superseded socket may already be closing; nothing else to do with it.
  }
}

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
