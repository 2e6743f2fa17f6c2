/**
 * Session liveness: idle sessions are cancelled, sessions that never connected are removed,
 * and cancelled sessions are removed after the grace period.
 * @module
 */
import { SESSION_REMOVAL_WAIT_TIME, SESSION_START_WAIT_TIME } from "../protocol/version.ts";
import type { RoomCore } from "./room_core.ts";
import { SessionState } from "./session.ts";
import { cancelSession, removeSession } from "./session_lifecycle.ts";
import { SOCKET_OPEN } from "./socket_like.ts";

/** Walk every session once and apply the liveness rules. */
export function pruneSessions(core: RoomCore): void {
  const now = core.time.now();
  const timeout = core.clientTimeout;
  const idleEnabled = timeout > 0 && Number.isFinite(timeout);
  for (const session of [...core.sessions.values()]) {
    const socketOpen = session.socket.readyState === SOCKET_OPEN;
    switch (session.state) {
      case SessionState.Connected:
        if (!socketOpen || (idleEnabled && now - session.lastInteractionTime > timeout)) {
          cancelSession(core, session);
        }
        break;
      case SessionState.AwaitingConnectMessage:
        if (!socketOpen || now - session.startedAt > SESSION_START_WAIT_TIME) {
          removeSession(core, session);
        }
        break;
      case SessionState.AwaitingRemoval:
        if (now - session.cancelledAt >= SESSION_REMOVAL_WAIT_TIME) removeSession(core, session);
        break;
    }
  }
}
