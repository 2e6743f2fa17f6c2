/**
 * `GET /admin/rooms/:id/history[?limit=N]`: the room's restore points, oldest first. With
 * `limit` (default 1000, at most 10,000) only the newest N, and `truncated: true` when older
 * ones exist.
 * @module
 */
import type { AdminRequest } from "./admin_request.ts";
import { queryInteger } from "./query_limit.ts";
import { pointJson, type RestorePointJson, useHistory } from "./use_history.ts";

/** Default `limit`. */
export const DEFAULT_HISTORY_LIMIT = 1000;
/** Largest `limit`. */
export const MAX_HISTORY_LIMIT = 10_000;

/** The body of `GET /admin/rooms/:id/history`. */
export interface HistoryList {
  /** The room id. */
  roomId: string;
  /** Restore points, oldest first. */
  points: RestorePointJson[];
  /** True when older points exist beyond `limit`. */
  truncated: boolean;
}

/** List a room's restore points. */
export async function listHistory(
  { registry, url }: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  const limit = queryInteger(url, "limit", 1, MAX_HISTORY_LIMIT) ?? DEFAULT_HISTORY_LIMIT;
  const history = await useHistory(registry, roomId);
  const { points, truncated } = await history.points({ limit });
  const body: HistoryList = { roomId, points: points.map(pointJson), truncated };
  return Response.json(body);
}
