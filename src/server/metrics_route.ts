/**
 * `GET /metrics`: the server's metrics in Prometheus text format 0.0.4.
 * @module
 */
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/exposition.ts";
import type { Logger } from "../ports/logger.ts";
import type { TimeSource } from "../ports/time_source.ts";
import { type AuthFailureLimit, AuthGate } from "./auth_gate.ts";
import type { HttpRoute } from "./http_route.ts";

/** Options of {@linkcode metricsRoute}. */
export interface MetricsRouteOptions {
  /** Require `Authorization: Bearer <token>`. Default: open (bind to a private interface). */
  token?: string | undefined;
  /** The path. Default `/metrics`. */
  path?: string;
  /**
   * With a token: refused requests as `metrics_unauthorized`, at most one line per client
   * address a minute with counts (`failures`, `refused`). Default: silent.
   */
  logger?: Logger;
  /**
   * With a token: failed authentications per client address before 429 (as seen by the server's
   * per-address limits). Default `DEFAULT_AUTH_FAILURE_LIMIT`: 20 at once, 20 a minute.
   */
  authFailureLimit?: AuthFailureLimit;
  /** Wall time of the failure limit and log. Default: the system clock. */
  time?: TimeSource;
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
  const gate = options.token
    ? new AuthGate({
      token: options.token,
      realm: "metrics",
      event: "metrics_unauthorized",
      logger: options.logger,
      limit: options.authFailureLimit,
      time: options.time,
    })
    : null;
  return async (req, url, server) => {
    if (url.pathname !== path) return undefined;
    if (req.method !== "GET" && req.method !== "HEAD") {
      return Response.json(
        { error: "method_not_allowed", message: `Use GET on ${path}` },
        { status: 405, headers: { allow: "GET, HEAD" } },
      );
    }
    const refused = await gate?.check(req, server.clientAddressOf(req), { method: req.method });
    if (refused) return refused;
    const body = req.method === "HEAD" ? null : server.metrics.render();
    return new Response(body, {
      headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" },
    });
  };
}
