/**
 * `GET /admin/rooms/:id`: the room's snapshot (documents, tombstones, clocks, schema). A room
 * whose stored state does not load is exported as far as storage can read it, marked with the
 * header `x-tlsync-salvaged: 1` (restore it with DELETE then PUT).
 *
 * `?stored=1` exports what storage holds without loading the room, also marked: this includes
 * records that loading skips (they stay in storage), which the live room's snapshot leaves out.
 * @module
 */
import { AdminError } from "./admin_error.ts";
import type { AdminRequest } from "./admin_request.ts";
import { assertRoomExists, useRoom } from "./use_room.ts";

const SALVAGED = { "x-tlsync-salvaged": "1" } as const;

/** Answer with the room's snapshot, loading it if it is not live. */
export async function getRoom(
  { registry, url }: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  await assertRoomExists(registry, roomId);
  if (url.searchParams.get("stored") === "1") {
    const stored = await registry.salvageStored(roomId);
    if (!stored) {
      throw new AdminError(404, "not_found", `Storage cannot export room "${roomId}" unloaded`);
    }
    return Response.json(stored, { headers: SALVAGED });
  }
  try {
    return Response.json(await useRoom(registry, roomId, (room) => room.getSnapshot()));
  } catch (error) {
    if (error instanceof AdminError) throw error;
    const salvaged = await registry.salvageStored(roomId).catch(() => undefined);
    if (!salvaged) throw error;
    return Response.json(salvaged, { headers: SALVAGED });
  }
}
