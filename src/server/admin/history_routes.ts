/**
 * The history endpoints' part of the admin route table.
 * @module
 */
import type { AdminPath } from "./admin_path.ts";
import type { AdminRequest } from "./admin_request.ts";
import { listHistory } from "./history_list.ts";
import { historySnapshot } from "./history_snapshot.ts";
import { historyTicket } from "./history_ticket.ts";
import { restoreHistory } from "./restore_history.ts";

type Endpoint = (ctx: AdminRequest) => Promise<Response>;

/** Methods → handlers of a history path (`{}` for any other path). */
export function historyRoutes(path: AdminPath): Record<string, Endpoint> {
  switch (path.kind) {
    case "history":
      return { GET: (ctx) => listHistory(ctx, path) };
    case "history_at":
      return { GET: (ctx) => historySnapshot(ctx, path) };
    case "history_ticket":
      return { POST: (ctx) => historyTicket(ctx, path) };
    case "restore":
      return { POST: (ctx) => restoreHistory(ctx, path) };
    default:
      return {};
  }
}
