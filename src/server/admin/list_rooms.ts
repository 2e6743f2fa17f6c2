/**
 * `GET /admin/rooms`: live rooms with their sessions, and the ids in storage.
 * @module
 */
import type { AdminRequest } from "./admin_request.ts";

/** One live room. */
export interface LiveRoomInfo {
  /** The room id. */
  roomId: string;
  /** Sessions in the room (connected or in their grace period). */
  sessions: number;
  /** The room's document clock. */
  documentClock: number;
  /** Documents (records) in the room. */
  records: number;
  /** Their serialized size in bytes (what the room size cap counts). */
  bytes: number;
}

/** The body of `GET /admin/rooms`; `stored` is null when storage cannot list rooms. */
export interface RoomList {
  /** Rooms loaded in this process. */
  live: LiveRoomInfo[];
  /** Room ids in storage, or null when the storage cannot list them. */
  stored: string[] | null;
}

/** List live and stored rooms. */
export async function listRooms({ registry }: AdminRequest): Promise<Response> {
  const live = registry.rooms().map((room): LiveRoomInfo => ({
    roomId: room.roomId,
    sessions: room.getSessionCount(),
    documentClock: room.getDocumentClock(),
    ...room.getSize(),
  }));
  const stored = await registry.listStored();
  const body: RoomList = { live, stored: stored ? [...stored].sort() : null };
  return Response.json(body);
}
