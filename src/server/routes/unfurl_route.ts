/**
 * `GET /unfurl?url=…`: bookmark metadata for a stock tldraw front end, as the official tldraw
 * self-hosting template offers it.
 * @module
 */
import { type Logger, silentLogger } from "../../ports/logger.ts";
import { unfurl, type UnfurlOptions } from "../../unfurl/unfurl.ts";
import type { HttpRoute, RouteContext } from "../http_route.ts";
import { AddressLimiter, type AddressRateLimit, type ClientAddress } from "./address_limiter.ts";
import { guarded, json, jsonError, methodNotAllowed, preflight } from "./_http.ts";

/** Options of {@linkcode unfurlRoute}: the unfurler's options plus a logger and limits. */
export interface UnfurlRouteOptions extends UnfurlOptions {
  /** Where unexpected failures are reported. Default: silent. */
  logger?: Logger;
  /** Unfurls per client address. Default {@linkcode DEFAULT_UNFURL_RATE}. */
  rateLimit?: AddressRateLimit;
  /**
   * How to find a request's client address. Default: the address the sync server saw
   * (`SyncServer.clientAddressOf`); `undefined` from it: not limited.
   */
  clientAddress?: ClientAddress;
  /** Unfurls running at once in this process; more get 503. Default 16. */
  maxConcurrent?: number;
}

/** Default {@linkcode UnfurlRouteOptions.rateLimit}: 60 a minute, 30 at once. */
export const DEFAULT_UNFURL_RATE: AddressRateLimit = { perMinute: 60, burst: 30 };

/** Default {@linkcode UnfurlRouteOptions.maxConcurrent}. */
export const DEFAULT_MAX_CONCURRENT_UNFURLS = 16;

const METHODS = "GET, OPTIONS";

/**
 * Answer `GET /unfurl?url=…` with `{ title, description, image, favicon }`, or `{ error }` with
 * 400 (bad or refused URL) or 502 (the fetch failed). Non-public targets are refused unless
 * `allowPrivate` is set; host names are checked by address only with `resolveHost`.
 *
 * @example Bookmarks for a tldraw app
 * ```ts ignore
 * import { createSyncHandler } from "@tlsync/edge";
 * import { unfurlRoute } from "@tlsync/edge/unfurl";
 *
 * const sync = createSyncHandler({ routes: [unfurlRoute({ timeoutMs: 3000 })] });
 * ```
 */
export function unfurlRoute(options: UnfurlRouteOptions = {}): HttpRoute {
  const logger = options.logger ?? silentLogger;
  const limiter = new AddressLimiter(options.rateLimit ?? DEFAULT_UNFURL_RATE, options.time);
  const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_UNFURLS;
  let running = 0;
  return (req: Request, url: URL, server?: RouteContext): Promise<Response> | undefined => {
    if (url.pathname !== "/unfurl") return undefined;
    return guarded(logger, "unfurl_route_failed", async () => {
      if (req.method === "OPTIONS") return preflight(req, METHODS);
      if (req.method !== "GET") return methodNotAllowed(METHODS);
      const target = url.searchParams.get("url");
      if (!target) return jsonError(400, "Missing url parameter");
      const limited = limiter.check(
        req,
        options.clientAddress ?? ((r) => server?.clientAddressOf(r)),
      );
      if (limited) return limited;
      if (running >= maxConcurrent) {
        return json({ error: "Too many unfurls in progress; retry later" }, 503, {
          "retry-after": "1",
        });
      }
      running++;
      try {
        const result = await unfurl(target, options);
        if (!result.ok) return jsonError(result.status, result.error);
        return json(result.metadata, 200, { "cache-control": "public, max-age=3600" });
      } finally {
        running--;
      }
    });
  };
}
