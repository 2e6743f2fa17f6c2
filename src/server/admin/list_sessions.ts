/**
 * `GET /admin/rooms/:id/sessions[?limit=N]`: the room's sessions in this process, with the
 * identity `authorize` gave them, their client address, open time and traffic.
 * @module
 */
import type { SessionPhase } from "../../room/session.ts";
import type { SessionInfo } from "../../room/room.ts";
import type { ConnectionInfo } from "../connection_info.ts";
import type { AdminRequest } from "./admin_request.ts";
import { queryLimit } from "./query_limit.ts";
import { assertRoomExists } from "./use_room.ts";

/** Sessions listed by default and at most (`?limit=`). */
export const SESSION_LIST_LIMIT = { default: 1000, max: 10_000 } as const;

/** One session of {@linkcode SessionList}. */
export interface AdminSession {
  /** The session id the client chose. */
  sessionId: string;
  /** From `authorize`, when it named a user. */
  userId?: string;
  /** From `authorize`, when it gave a name. */
  userName?: string;
  /** Pushes from this session are refused. */
  readonly: boolean;
  /** The client's address; absent when the socket is not in this process (cluster follower). */
  address?: string;
  /** When its socket opened (ISO 8601). */
  connectedAt: string;
  /** Bytes received from this session's socket. */
  bytesIn: number;
  /** Bytes sent to it. */
  bytesOut: number;
  /** `handshaking`, `live` or `parked` (socket gone, presence kept for a reconnect). */
  state: SessionPhase;
}

/** The body of `GET /admin/rooms/:id/sessions`. */
export interface SessionList {
  /** The room id. */
  roomId: string;
  /** True when the room is loaded in this process (else `sessions` is empty). */
  live: boolean;
  /** The live room's document clock. */
  documentClock?: number;
  /** The live room's documents. */
  records?: number;
  /** Their serialized size in bytes. */
  bytes?: number;
  /** Oldest first, at most `?limit=` of them. */
  sessions: AdminSession[];
  /** Present (true) when the room has more sessions than were listed. */
  truncated?: true;
}

/** List the room's sessions; 404 when the room does not exist. */
export async function listSessions(
  { registry, url, server }: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  const limit = queryLimit(url, SESSION_LIST_LIMIT);
  await assertRoomExists(registry, roomId);
  const room = registry.get(roomId);
  const all = room?.getSessions() ?? [];
  const sockets = newestBySession(server.connectionsIn(roomId));
  const sessions = all.sort((a, b) => a.openedAt - b.openedAt).slice(0, limit)
    .map((s) => describe(s, sockets.get(s.sessionId)));
  const body: SessionList = {
    roomId,
    live: room !== undefined,
    ...(room ? { documentClock: room.getDocumentClock(), ...room.getSize() } : {}),
    sessions,
    ...(all.length > limit ? { truncated: true as const } : {}),
  };
  return Response.json(body);
}

function describe(s: SessionInfo, socket: ConnectionInfo | undefined): AdminSession {
  return {
    sessionId: s.sessionId,
    ...(s.identity ? { userId: s.identity.userId } : {}),
    ...(s.identity?.userName !== undefined ? { userName: s.identity.userName } : {}),
    readonly: s.isReadonly,
    ...(socket ? { address: socket.address } : {}),
    connectedAt: new Date(socket?.openedAt ?? s.openedAt).toISOString(),
    bytesIn: socket?.bytesIn ?? 0,
    bytesOut: socket?.bytesOut ?? 0,
    state: s.phase,
  };
}

/** The most recently opened connection of each session id (a reconnect replaces the older). */
function newestBySession(connections: ConnectionInfo[]): Map<string, ConnectionInfo> {
  const newest = new Map<string, ConnectionInfo>();
  for (const c of connections) {
    const seen = newest.get(c.sessionId);
    if (!seen || c.openedAt >= seen.openedAt) newest.set(c.sessionId, c);
  }
  return newest;
}
