/**
 * `GET /metrics`: the server's metrics in Prometheus text format 0.0.4.
 * @module
 */
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/exposition.ts";
import { BearerToken, unauthorized } from "./bearer_token.ts";
import type { HttpRoute } from "./http_route.ts";

/** Options of {@linkcode metricsRoute}. */
export interface MetricsRouteOptions {
  /** Require `Authorization: Bearer <token>`. Default: open (bind to a private interface). */
  token?: string | undefined;
  /** The path. Default `/metrics`. */
  path?: string;
}

/**
 * A route serving `server.metrics` as Prometheus text.
 *
 * @example Serve metrics beside the sync routes
 * ```ts ignore
 * const sync = createSyncHandler({ routes: [metricsRoute({ token: "s3cret" })] });
 * ```
 */
export function metricsRoute(options: MetricsRouteOptions = {}): HttpRoute {
  const path = options.path ?? "/metrics";
  const bearer = options.token ? new BearerToken(options.token) : null;
  return async (req, url, server) => {
    if (url.pathname !== path) return undefined;
    if (req.method !== "GET" && req.method !== "HEAD") {
      return Response.json(
        { error: "method_not_allowed", message: `Use GET on ${path}` },
        { status: 405, headers: { allow: "GET, HEAD" } },
      );
    }
    if (bearer && !(await bearer.verify(req))) return unauthorized("metrics");
    const body = req.method === "HEAD" ? null : server.metrics.render();
    return new Response(body, {
      headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" },
    });
  };
}
