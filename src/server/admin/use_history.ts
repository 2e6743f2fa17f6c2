/**
 * Reach a room's history for an admin request: 404 for an unknown room or a server that keeps
 * no history, and the JSON form of restore points (ISO times).
 * @module
 */
import type { RestorePoint, RoomHistory } from "../../storage/room_history.ts";
import type { RoomRegistry } from "../room_registry.ts";
import { AdminError } from "./admin_error.ts";
import { assertRoomExists } from "./use_room.ts";

/** A restore point as the admin API answers it. */
export interface RestorePointJson {
  /** The document clock. */
  clock: number;
  /** Commit time, ISO 8601. */
  time: string;
  /** Live documents at this clock. */
  records: number;
  /** Bytes kept for this point. */
  bytes: number;
  /** User ids whose changes the commit carries. */
  authors?: string[];
  /** `commit` or `checkpoint`. */
  kind: string;
}

/** The room's history, or a 404. */
export async function useHistory(registry: RoomRegistry, roomId: string): Promise<RoomHistory> {
  await assertRoomExists(registry, roomId);
  const history = await registry.history(roomId);
  if (!history) {
    throw new AdminError(404, "not_found", `No history is kept for room "${roomId}"`);
  }
  return history;
}

/** A point in its JSON form. */
export function pointJson(point: RestorePoint): RestorePointJson {
  return {
    clock: point.clock,
    time: new Date(point.time).toISOString(),
    records: point.records,
    bytes: point.bytes,
    ...(point.authors ? { authors: point.authors } : {}),
    kind: point.kind,
  };
}

/** 404 for a clock that is not a kept restore point. */
export function pointNotFound(roomId: string, what: string): AdminError {
  return new AdminError(404, "not_found", `Room "${roomId}" keeps no restore point at ${what}`);
}
