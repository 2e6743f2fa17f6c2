/**
 * `DELETE /admin/rooms/:id`: close the live room (clients get 4099 NOT_FOUND and stop
 * reconnecting), then delete its stored state.
 * @module
 */
import { CloseReason, SYNC_ERROR_CLOSE_CODE } from "../../protocol/close_reason.ts";
import { AdminError } from "./admin_error.ts";
import type { AdminRequest } from "./admin_request.ts";
import { assertRoomExists } from "./use_room.ts";

/** Delete a room; 404 when it does not exist, 501 when storage cannot delete. */
export async function deleteRoom(
  { registry }: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  await assertRoomExists(registry, roomId);
  if (!(await registry.deleteRoom(roomId, SYNC_ERROR_CLOSE_CODE, CloseReason.NOT_FOUND))) {
    throw new AdminError(501, "not_implemented", "This storage cannot delete rooms");
  }
  return Response.json({ ok: true });
}
