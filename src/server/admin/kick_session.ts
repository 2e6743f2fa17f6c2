/**
 * `DELETE /admin/rooms/:id/sessions/:sessionId[?reason=R]`: close one session. Without a reason
 * the client reconnects; with one it gets 4099 + reason and stops (e.g. `FORBIDDEN`).
 * @module
 */
import type { AdminRequest } from "./admin_request.ts";
import { AdminError } from "./admin_error.ts";
import { liveRoom } from "./use_room.ts";

/** Remove a session from a live room; 404 when the room is not live or has no such session. */
export function kickSession(
  { url, registry }: AdminRequest,
  { roomId, sessionId }: { roomId: string; sessionId: string },
): Promise<Response> {
  const room = liveRoom(registry, roomId);
  if (!room.getSessions().some((s) => s.sessionId === sessionId)) {
    throw new AdminError(404, "not_found", `Room "${roomId}" has no session "${sessionId}"`);
  }
  const reason = url.searchParams.get("reason") || undefined;
  room.closeSession(sessionId, reason);
  return Promise.resolve(Response.json({ ok: true }));
}
