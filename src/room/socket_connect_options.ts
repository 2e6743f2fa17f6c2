/**
 * What a host hands the room with a newly opened socket (`Room.handleSocketConnect`, a name
 * kept from `TLSocketRoom` on purpose for drop-in compatibility).
 * @module
 */
import type { SessionIdentity } from "./session.ts";
import type { SocketLike } from "../ports/socket_like.ts";

/** Options for `Room.handleSocketConnect`. */
export interface SocketConnectOptions {
  /** The client's session id (`sessionId` query parameter). */
  sessionId: string;
  /** The open socket. */
  socket: SocketLike;
  /** Skip this session's document writes. */
  isReadonly?: boolean;
  /** Host data kept with the session. */
  meta?: unknown;
  /**
   * The authorized user: written into the session's presence (`userId`, `userName`), and only
   * the same user may take the session id over. Without it, any socket may.
   */
  identity?: SessionIdentity;
}
