/**
 * `GET /admin/rooms/:id`: the room's snapshot (documents, tombstones, clocks, schema). A room
 * whose stored state does not load is exported as far as storage can read it, marked with the
 * header `x-tlsync-salvaged: 1` (restore it with DELETE then PUT).
 * @module
 */
import { AdminError } from "./admin_error.ts";
import type { AdminRequest } from "./admin_request.ts";
import { assertRoomExists, useRoom } from "./use_room.ts";

/** Answer with the room's snapshot, loading it if it is not live. */
export async function getRoom(
  { registry }: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  await assertRoomExists(registry, roomId);
  try {
    return Response.json(await useRoom(registry, roomId, (room) => room.getSnapshot()));
  } catch (error) {
    if (error instanceof AdminError) throw error;
    const salvaged = await registry.salvageStored(roomId).catch(() => undefined);
    if (!salvaged) throw error;
    return Response.json(salvaged, { headers: { "x-tlsync-salvaged": "1" } });
  }
}
