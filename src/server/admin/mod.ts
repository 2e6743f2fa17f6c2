/**
 * The admin HTTP API (`/admin/rooms/...`): list, read, replace, patch, close and delete rooms,
 * list and kick sessions, and read live stats, behind a bearer token; plus the operator console
 * page at `/admin/`. See docs/admin.md for the routes.
 *
 * @example Serve the admin API beside the sync routes
 * ```ts ignore
 * import { createSyncHandler, jsonLogger } from "@tlsync/edge";
 * import { adminRoutes } from "@tlsync/edge/admin";
 *
 * const logger = jsonLogger("info");
 * const sync = createSyncHandler({
 *   logger,
 *   routes: [adminRoutes({ token: Deno.env.get("TLSYNC_ADMIN_TOKEN"), logger })],
 * });
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, sync.fetch);
 * ```
 * @module
 */
export { adminRoutes, type AdminRoutesOptions } from "./admin_routes.ts";
export type { LiveRoomInfo, RoomList } from "./list_rooms.ts";
export type { RoomPatch } from "./patch_room.ts";
export type { AdminErrorBody } from "./admin_error.ts";
export type { AdminSession, SessionList } from "./list_sessions.ts";
export type { AdminStats } from "./admin_stats.ts";
export { CONSOLE_CSP } from "./console/console_route.ts";
