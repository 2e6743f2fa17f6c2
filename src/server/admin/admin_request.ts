/**
 * What every admin endpoint handler receives.
 * @module
 */
import type { HistoryTickets } from "../history_tickets.ts";
import type { RouteContext } from "../http_route.ts";
import type { RoomRegistry } from "../room_registry.ts";

/** One authenticated admin request. */
export interface AdminRequest {
  req: Request;
  url: URL;
  registry: RoomRegistry;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** The server: its metrics and open connections. */
  server: RouteContext;
  /** Issues history view tickets (the server's), when it offers history views. */
  tickets?: HistoryTickets | undefined;
}
