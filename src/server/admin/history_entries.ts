/**
 * `GET /admin/rooms/:id/history/entries[?after=X][&upTo=Y][&limit=N]`: export a range of the
 * room's history — the kept commits with `after` < clock <= `upTo`, oldest first, each with its
 * puts, deletes and pruned tombstones (apply them to `GET .../history/<after>` to replay the
 * range). At most `limit` entries (default 1000, at most 10,000), `truncated` when more exist.
 * @module
 */
import type { HistoryEntry } from "../../storage/room_history.ts";
import type { AdminRequest } from "./admin_request.ts";
import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from "./history_list.ts";
import { queryInteger } from "./query_limit.ts";
import { useHistory } from "./use_history.ts";

/** The body of `GET /admin/rooms/:id/history/entries`. */
export interface HistoryEntries {
  /** The room id. */
  roomId: string;
  /** Kept commits in clock order. */
  entries: HistoryEntry[];
  /** True when the range holds more than `limit`. */
  truncated: boolean;
}

/** Export a range of the room's kept commits. */
export async function historyEntries(
  { registry, url }: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  const after = queryInteger(url, "after", 0, Number.MAX_SAFE_INTEGER);
  const upTo = queryInteger(url, "upTo", 0, Number.MAX_SAFE_INTEGER);
  const limit = queryInteger(url, "limit", 1, MAX_HISTORY_LIMIT) ?? DEFAULT_HISTORY_LIMIT;
  const history = await useHistory(registry, roomId);
  const entries: HistoryEntry[] = [];
  let truncated = false;
  const range = {
    ...(after !== undefined ? { after } : {}),
    ...(upTo !== undefined ? { upTo } : {}),
  };
  for await (const entry of history.entries(range)) {
    if (entries.length === limit) {
      truncated = true;
      break;
    }
    entries.push(entry);
  }
  const body: HistoryEntries = { roomId, entries, truncated };
  return Response.json(body);
}
