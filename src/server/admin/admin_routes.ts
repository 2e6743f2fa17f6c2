/**
 * `adminRoutes({ token })`: the admin REST API under `/admin/`, as an {@linkcode HttpRoute}, and
 * the operator console page at `/admin/`. Off unless a token is configured; every API request
 * needs `Authorization: Bearer <token>` (the console's static files need none: they hold no data).
 * @module
 */
import type { Logger } from "../../ports/logger.ts";
import type { TimeSource } from "../../ports/time_source.ts";
import { type AuthFailureLimit, AuthGate } from "../auth_gate.ts";
import type { HttpRoute } from "../http_route.ts";
import { DEFAULT_ROOM_ID_PATTERN } from "../room_id.ts";
import { AdminError, adminErrorResponse } from "./admin_error.ts";
import { consoleFile } from "./console/console_route.ts";
import { type AdminPath, parseAdminPath } from "./admin_path.ts";
import type { AdminRequest } from "./admin_request.ts";
import { closeRoom } from "./close_room.ts";
import { deleteRoom } from "./delete_room.ts";
import { getRoom } from "./get_room.ts";
import { adminStats } from "./admin_stats.ts";
import { kickSession } from "./kick_session.ts";
import { listSessions } from "./list_sessions.ts";
import { listRooms } from "./list_rooms.ts";
import { patchRoom } from "./patch_room.ts";
import { putRoom } from "./put_room.ts";
import { historyRoutes } from "./history_routes.ts";
import { withApiHeaders } from "./api_headers.ts";

/** Options of {@linkcode adminRoutes}. */
export interface AdminRoutesOptions {
  /** The bearer token. Empty or missing: the admin API is off (its paths fall through to 404). */
  token: string | undefined;
  /** Largest request body (snapshots) in bytes. Default 32 MiB. */
  maxBodyBytes?: number;
  /** Valid room ids; match the server's `roomIdPattern`. Default: the server default. */
  roomIdPattern?: RegExp;
  /**
   * Audit log: `admin_request` per authenticated request (at debug for the console's polls of
   * `/admin/stats` and `.../sessions`); refusals as `admin_unauthorized`, at most one line per
   * client address a minute with counts (`failures`, `refused`).
   */
  logger?: Logger;
  /**
   * Failed authentications per client address before 429 (as seen by the server's per-address
   * limits). Default `DEFAULT_AUTH_FAILURE_LIMIT`: 20 at once, 20 a minute.
   */
  authFailureLimit?: AuthFailureLimit;
  /** Wall time of the failure limit and log. Default: the system clock. */
  time?: TimeSource;
  /**
   * Serve the operator console page at `/admin/` (no data in it: it asks for the token and
   * calls this API). Default true.
   */
  console?: boolean;
}

type Endpoint = (ctx: AdminRequest) => Promise<Response>;

/** Characters of an unauthenticated request's path written into its log line. */
const MAX_REFUSED_PATH_CHARS = 200;

/**
 * The admin API as a route for `SyncServerOptions.routes`.
 *
 * @example Enable the admin API from an environment variable
 * ```ts ignore
 * const sync = createSyncHandler({
 *   routes: [adminRoutes({ token: Deno.env.get("TLSYNC_ADMIN_TOKEN") })],
 * });
 * ```
 */
export function adminRoutes(options: AdminRoutesOptions): HttpRoute {
  if (!options.token) return () => undefined;
  const gate = new AuthGate({
    token: options.token,
    realm: "admin",
    event: "admin_unauthorized",
    logger: options.logger,
    limit: options.authFailureLimit,
    time: options.time,
  });
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  const pattern = options.roomIdPattern ?? DEFAULT_ROOM_ID_PATTERN;
  const withConsole = options.console ?? true;
  return async (req, url, server) => {
    if (url.pathname !== "/admin" && !url.pathname.startsWith("/admin/")) return undefined;
    const page = withConsole ? consoleFile(req.method, url.pathname) : undefined;
    if (page) return page;
    const refused = await gate.check(req, server.clientAddressOf(req), {
      method: req.method,
      path: url.pathname.slice(0, MAX_REFUSED_PATH_CHARS),
    });
    if (refused) return withApiHeaders(refused);
    const ctx: AdminRequest = {
      req,
      url,
      registry: server.registry,
      maxBodyBytes,
      server,
      tickets: server.historyTickets,
    };
    let response: Response;
    try {
      response = await endpoint(parseAdminPath(url.pathname, pattern), req.method)(ctx);
    } catch (error) {
      response = adminErrorResponse(error, options.logger);
    }
    const fields = { method: req.method, path: url.pathname, status: response.status };
    if (isPoll(req.method, url.pathname)) options.logger?.debug("admin_request", fields);
    else options.logger?.info("admin_request", fields);
    return withApiHeaders(response);
  };
}

/** The console's polls (every 2 s while it is open) log at debug, so the audit log stays readable. */
function isPoll(method: string, pathname: string): boolean {
  return method === "GET" && (pathname === "/admin/stats" || pathname.endsWith("/sessions"));
}

function endpoint(path: AdminPath, method: string): Endpoint {
  const table: Record<string, Endpoint | undefined> = routeTable(path);
  const found = table[method];
  if (found) return found;
  const allow = Object.keys(table).join(", ");
  throw new AdminError(405, "method_not_allowed", `Use ${allow} on this path`, { allow });
}

function routeTable(path: AdminPath): Record<string, Endpoint> {
  switch (path.kind) {
    case "rooms":
      return { GET: listRooms };
    case "room":
      return {
        GET: (ctx) => getRoom(ctx, path),
        PUT: (ctx) => putRoom(ctx, path),
        PATCH: (ctx) => patchRoom(ctx, path),
        DELETE: (ctx) => deleteRoom(ctx, path),
      };
    case "close":
      return { POST: (ctx) => closeRoom(ctx, path) };
    case "session":
      return { DELETE: (ctx) => kickSession(ctx, path) };
    case "sessions":
      return { GET: (ctx) => listSessions(ctx, path) };
    case "stats":
      return { GET: adminStats };
    default:
      return historyRoutes(path);
  }
}
