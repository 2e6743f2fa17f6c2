/**
 * `POST /admin/rooms/:id/close`: flush the room, close its sockets with 1012 and evict it.
 * Clients reconnect and the room reloads from storage.
 * @module
 */
import { CloseCode, CloseText } from "../../protocol/close_reason.ts";
import { AdminError } from "./admin_error.ts";
import type { AdminRequest } from "./admin_request.ts";

/** Close a live room; 404 when it is not live. */
export async function closeRoom(
  { registry }: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  const sessions = registry.get(roomId)?.getSessionCount() ?? 0;
  if (
    !(await registry.closeRoom(roomId, CloseCode.SERVICE_RESTART, CloseText.ROOM_CLOSED_BY_ADMIN))
  ) {
    throw new AdminError(404, "not_found", `Room "${roomId}" is not live`);
  }
  return Response.json({ ok: true, closedSessions: sessions });
}
