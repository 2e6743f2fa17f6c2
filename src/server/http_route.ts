/**
 * Extra HTTP routes (assets, unfurl, admin, metrics) served beside the sync routes.
 * @module
 */
import type { SyncServer } from "./sync_server.ts";

/**
 * Answer a plain HTTP request, or return `undefined` to let the next route (and finally the
 * sync routes) try. Routes run in order before the built-in routes.
 */
export type HttpRoute = (
  req: Request,
  url: URL,
  server: SyncServer,
) => Response | undefined | Promise<Response | undefined>;
