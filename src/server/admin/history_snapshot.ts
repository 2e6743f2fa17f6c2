/**
 * `GET /admin/rooms/:id/history/:clock`: the room as it was at a kept clock, in the snapshot
 * format of `GET /admin/rooms/:id` (import it with PUT, or restore with POST .../restore).
 * @module
 */
import type { AdminRequest } from "./admin_request.ts";
import { pointNotFound, useHistory } from "./use_history.ts";

/** Answer with the room's snapshot at `clock`, or 404. */
export async function historySnapshot(
  { registry }: AdminRequest,
  { roomId, clock }: { roomId: string; clock: number },
): Promise<Response> {
  const history = await useHistory(registry, roomId);
  const snapshot = await history.at(clock);
  if (!snapshot) throw pointNotFound(roomId, `clock ${clock}`);
  return Response.json(snapshot);
}
