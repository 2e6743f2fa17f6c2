/**
 * Reach a room for an admin operation: check it exists, load it through the registry (one
 * instance per room) and let it be evicted again afterwards.
 * @module
 */
import type { Room } from "../../room/room.ts";
import type { RoomRegistry } from "../room_registry.ts";
import { AdminError } from "./admin_error.ts";

/**
 * 404 unless the room is live or stored. A provider without `listRooms` cannot tell, so every
 * room counts as existing.
 */
export async function assertRoomExists(registry: RoomRegistry, roomId: string): Promise<void> {
  if (registry.get(roomId)) return;
  const stored = await registry.listStored();
  if (stored && !stored.includes(roomId)) {
    throw new AdminError(404, "not_found", `Room "${roomId}" does not exist`);
  }
}

/** Run `fn` on the room, loaded if needed; a room closed meanwhile is a 409 (retry). */
export function useRoom<T>(
  registry: RoomRegistry,
  roomId: string,
  fn: (room: Room) => Promise<T> | T,
): Promise<T> {
  return registry.withRoom(roomId, async (room) => {
    try {
      return await fn(room);
    } catch (error) {
      if (!room.isClosed() || error instanceof AdminError) throw error;
      throw new AdminError(409, "conflict", `Room "${roomId}" closed during the request; retry`);
    }
  });
}

/** The live room, or 404. */
export function liveRoom(registry: RoomRegistry, roomId: string): Room {
  const room = registry.get(roomId);
  if (!room) throw new AdminError(404, "not_found", `Room "${roomId}" is not live`);
  return room;
}
