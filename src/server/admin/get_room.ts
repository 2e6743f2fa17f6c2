/**
 * `GET /admin/rooms/:id`: the room's snapshot (documents, tombstones, clocks, schema).
 * @module
 */
import type { AdminRequest } from "./admin_request.ts";
import { assertRoomExists, useRoom } from "./use_room.ts";

/** Answer with the room's snapshot, loading it if it is not live. */
export async function getRoom(
  { registry }: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  await assertRoomExists(registry, roomId);
  const snapshot = await useRoom(registry, roomId, (room) => room.getSnapshot());
  return Response.json(snapshot);
}
