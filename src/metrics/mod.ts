/**
 * Prometheus metrics: {@linkcode SyncMetrics} counts rooms, sessions, messages and commit
 * latency from the server's events, and {@linkcode metricsRoute} serves them at `/metrics`.
 * Add your own families to the same {@linkcode MetricsRegistry}.
 *
 * @example Serve `/metrics` with a custom counter beside the server's own
 * ```ts ignore
 * import { createSyncHandler } from "@tlsync/edge";
 * import { metricsRoute, SyncMetrics } from "@tlsync/edge/metrics";
 *
 * const metrics = new SyncMetrics();
 * const logins = metrics.registry.counter("app_logins_total", "Logins.");
 * logins.inc();
 * const sync = createSyncHandler({
 *   metrics,
 *   routes: [metricsRoute({ token: Deno.env.get("TLSYNC_METRICS_TOKEN") })],
 * });
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, sync.fetch);
 * ```
 * @module
 */
export { metricsRoute, type MetricsRouteOptions } from "../server/metrics_route.ts";
export { type ServerStats, SyncMetrics, type SyncMetricsOptions } from "./sync_metrics.ts";
export { MetricsRegistry } from "./metrics_registry.ts";
export { Counter, type CounterOptions } from "./counter.ts";
export { Gauge, type GaugeOptions } from "./gauge.ts";
export { Histogram, type HistogramSnapshot } from "./histogram.ts";
export type { Labels, Metric, MetricType, Sample } from "./exposition.ts";
