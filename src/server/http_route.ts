/**
 * Extra HTTP routes (assets, unfurl, admin, metrics) served beside the sync routes, and the
 * {@linkcode RouteContext} they are given: the few parts of the server a route may use. Routes
 * depend on this interface, not on the server class, so the server can import its options (which
 * list the routes) without an import cycle.
 * @module
 */
import type { SyncMetrics } from "../metrics/sync_metrics.ts";
import type { Authorize } from "./authorize.ts";
import type { ConnectionInfo } from "./connection_info.ts";
import type { HistoryTickets } from "./history_tickets.ts";
import type { RoomRegistry } from "./room_registry.ts";

/** What a route may use of the server that runs it (`SyncServer` implements it). */
export interface RouteContext {
  /** The live rooms (the admin API reads, closes and deletes them). */
  readonly registry: RoomRegistry;
  /** The server's metrics (the metrics route renders them). */
  readonly metrics: SyncMetrics;
  /** The connect auth hook, for routes that reuse it (uploads). */
  readonly authorize: Authorize | undefined;
  /** Issues tickets for readonly history views (`?at=`), when the server offers them. */
  readonly historyTickets?: HistoryTickets | undefined;
  /** The client's address as the server's limits see it, or `undefined` when unknown. */
  clientAddressOf(req: Request): string | undefined;
  /** This process's open connections to `roomId` (address, open time, bytes). */
  connectionsIn(roomId: string): ConnectionInfo[];
}

/**
 * Answer a plain HTTP request, or return `undefined` to let the next route (and finally the
 * sync routes) try. Routes run in order before the built-in routes.
 */
export type HttpRoute = (
  req: Request,
  url: URL,
  server: RouteContext,
) => Response | undefined | Promise<Response | undefined>;
