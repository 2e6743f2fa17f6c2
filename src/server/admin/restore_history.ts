/**
 * `POST /admin/rooms/:id/restore` with `{ "at": <clock> | "<ISO time>" }`: make the live room
 * equal to its state at that clock (for a time: the newest point at or before it) as a new
 * commit. Connected clients receive an ordinary diff; the restore is itself in history.
 * @module
 */
import { parseHistoryTarget } from "../../storage/history_target.ts";
import { restoreRoom } from "../../room/restore_room.ts";
import { AdminError } from "./admin_error.ts";
import type { AdminRequest } from "./admin_request.ts";
import { readJsonBody } from "./read_json_body.ts";
import { pointNotFound, useHistory } from "./use_history.ts";
import { useRoom } from "./use_room.ts";

/** Largest restore request body (it holds one clock or time). */
export const MAX_RESTORE_BODY_BYTES = 1024;

/** The body of a successful restore. */
export interface RestoreReply {
  /** The room id. */
  roomId: string;
  /** The clock restored from. */
  restoredFrom: number;
  /** The room's clock after the restore. */
  clock: number;
}

/** Restore the room to a past clock or time. */
export async function restoreHistory(
  ctx: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  const body = await readJsonBody(ctx.req, Math.min(ctx.maxBodyBytes, MAX_RESTORE_BODY_BYTES));
  const at = typeof body === "object" && body !== null ? (body as { at?: unknown }).at : undefined;
  const target = parseHistoryTarget(at);
  if (!target) {
    throw new AdminError(400, "bad_request", 'The body must be { "at": <clock> | "<ISO time>" }');
  }
  const history = await useHistory(ctx.registry, roomId);
  const clock = "clock" in target ? target.clock : await history.clockAt(target.time);
  if (clock === undefined) throw pointNotFound(roomId, `or before ${String(at)}`);
  const result = await useRoom(ctx.registry, roomId, (room) => restoreRoom(room, history, clock));
  if (!result) throw pointNotFound(roomId, `clock ${clock}`);
  const reply: RestoreReply = { roomId, ...result };
  return Response.json(reply);
}
