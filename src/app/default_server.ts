/**
 * The zero-configuration server behind `deno serve mod.ts` and `bun run mod.ts`: Deno KV at
 * ./data/tlsync.kv.sqlite3 (TLSYNC_DATA) for rooms and uploaded assets, `/uploads/:room/:id` and
 * `/unfurl` routes (limits from route_env.ts: TLSYNC_MAX_UPLOAD_BYTES, default 10 MiB;
 * TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM, default 256 MiB; …), JSON logs (TLSYNC_LOG_LEVEL), room
 * lease lifetime (TLSYNC_LEASE_MS, default 6000), limits (TLSYNC_MAX_SESSIONS per room,
 * TLSYNC_MAX_MPS messages per second per session, and the others read by `env_limits.ts`),
 * Origin allow-list (TLSYNC_ALLOWED_ORIGINS), TLSYNC_TRUST_PROXY, multi-instance serving of one
 * KV (on unless TLSYNC_CLUSTER=0 or TLSYNC_DATA=:memory:; `deno serve --parallel` workers and
 * several Bun processes follow each room's lease holder), graceful shutdown. Storage fails closed (`default_store.ts`): a KV
 * that cannot be opened is never replaced by memory. On Deno Deploy (DENO_DEPLOYMENT_ID) without
 * TLSYNC_DATA, rooms go to the managed KV. `GET /metrics` always (TLSYNC_METRICS_TOKEN to require a
 * bearer token); the `/admin/` API and console page only when TLSYNC_ADMIN_TOKEN is set (the page
 * not with TLSYNC_ADMIN_CONSOLE=0). On Bun, TLSYNC_BUN_KV picks the KV driver for a file or
 * `:memory:` (`sqlite`, the default, or `deno-kv`).
 * @module
 */
import type { Logger } from "../ports/logger.ts";
import { adminRoutes } from "../server/admin/admin_routes.ts";
import { historyFromEnv } from "./history_env.ts";
import { metricsRoute } from "../server/metrics_route.ts";
import { assetRoutes } from "../server/routes/assets_route.ts";
import { unfurlRoute } from "../server/routes/unfurl_route.ts";
import { createSyncHandler, type SyncHandler } from "../runtime/create_sync_handler.ts";
import { openDefaultStore } from "./default_store.ts";
import { MAX_COMMIT_WINDOW_MS } from "../storage/kv/kv_storage_provider.ts";
import {
  CHECKPOINT_POLICY_CEILINGS,
  type CheckpointPolicy,
} from "../storage/kv/kv_checkpoint_policy.ts";
import { readEnv } from "../runtime/env.ts";
import { type BunKvDriver, parseBunKvDriver } from "../runtime/open_kv.ts";
import { limitsFromEnv, originOptionsFromEnv, parseEnvInteger } from "./env_limits.ts";
import { jsonLogger, type LogLevel } from "../log/json_logger.ts";
import { systemResolveHost } from "../runtime/resolve_host.ts";
import { assetRouteEnv, unfurlRouteEnv } from "./route_env.ts";
import { installShutdown } from "../runtime/shutdown.ts";

/** Default KV location. */
export const DEFAULT_DATA_PATH = "./data/tlsync.kv.sqlite3";

/** Options of {@linkcode createDefaultServer}. */
export interface DefaultServerOptions {
  /**
   * When storage cannot be opened, print one line and exit non-zero (the server process is
   * `mod.ts` itself). Otherwise the server stays up, `/health` answering 503. Default false.
   */
  exitOnStorageFailure?: boolean;
}

/** Build the default server; storage opens in the background and requests wait for it. */
export function createDefaultServer(options: DefaultServerOptions = {}): SyncHandler {
  const logger = jsonLogger((readEnv("TLSYNC_LOG_LEVEL") ?? "info") as LogLevel);
  const managed = !readEnv("TLSYNC_DATA") && !!readEnv("DENO_DEPLOYMENT_ID");
  const path = managed ? undefined : readEnv("TLSYNC_DATA") ?? DEFAULT_DATA_PATH;
  const cluster = clusterDefault(path, readEnv("TLSYNC_CLUSTER"));
  const history = historyFromEnv(logger);
  const adminToken = readEnv("TLSYNC_ADMIN_TOKEN") || undefined;
  const store = openDefaultStore({
    path,
    cluster,
    leaseTtlMs: leaseEnv(logger),
    commitWindowMs: numberEnv("TLSYNC_KV_COMMIT_WINDOW_MS", logger),
    bunKvDriver: bunKvDriverFromEnv(readEnv(BUN_KV_ENV), logger),
    checkpoint: checkpointEnv(logger),
    logger,
    exitOnStorageFailure: options.exitOnStorageFailure ?? false,
    history: history.enabled ? history.policy : false,
  });
  const { storage, assets } = store;
  const limits = limitsFromEnv(logger);
  const routes = [
    assetRoutes({ store: assets, logger, ...assetRouteEnv(logger) }),
    unfurlRoute({ logger, resolveHost: systemResolveHost, ...unfurlRouteEnv(logger) }),
    metricsRoute({ token: readEnv("TLSYNC_METRICS_TOKEN") || undefined }),
    adminRoutes({
      token: adminToken,
      logger,
      console: switchedOn(readEnv("TLSYNC_ADMIN_CONSOLE")),
    }),
  ];
  const handler = createSyncHandler({
    storage,
    storageHealth: store.storageHealth,
    metrics: store.metrics,
    events: store.events,
    logger,
    limits,
    ...originOptionsFromEnv(),
    routes,
    // View tickets keyed by the admin token: every process of a cluster accepts them.
    history: history.enabled
      ? { ...(adminToken ? { ticketSecret: adminToken } : {}), maxViews: history.maxViews }
      : false,
    ...(store.roomRouter ? { roomRouter: store.roomRouter } : {}),
  });
  installShutdown(() => (store.stop(), handler.close()), logger);
  logger.info("server_started", {
    storage: path ?? "managed",
    cluster,
    admin: !!readEnv("TLSYNC_ADMIN_TOKEN"),
    history: history.enabled,
  });
  return handler;
}

/**
 * Whether rooms are served by one lease-holding process among all those sharing the KV, the
 * others following it: on for every store other processes can open (a file, a KV Connect URL,
 * Deploy's managed KV), so `deno serve --parallel` workers and several processes just work; it
 * costs nothing while alone (see `cluster_router.ts`). `TLSYNC_CLUSTER=0` turns it off; an
 * in-memory KV is private to its isolate, so never.
 */
export function clusterDefault(path: string | undefined, env: string | undefined): boolean {
  if (path === ":memory:") return false;
  return switchedOn(env);
}

/** An on/off env var that is on unless it says `0`, `false`, `off` or `no` (TLSYNC_ADMIN_CONSOLE). */
function switchedOn(env: string | undefined): boolean {
  return !OFF.has((env ?? "").trim().toLowerCase());
}

/**
 * Bun's `reusePort` for the default export (TLSYNC_REUSE_PORT=1, set by `bun_cluster.ts`):
 * several `bun run mod.ts` processes then listen on one port and the kernel spreads connections.
 * Off by default, so a second server started by mistake still fails with EADDRINUSE.
 */
export function reusePortFromEnv(): boolean {
  return readEnv("TLSYNC_REUSE_PORT") === "1";
}

/** TLSYNC_CLUSTER / TLSYNC_ADMIN_CONSOLE values that turn it off (anything else leaves it on). */
const OFF = new Set(["0", "false", "off", "no"]);

/**
 * Largest TLSYNC_LEASE_MS accepted (1 hour), TLSYNC_KV_COMMIT_WINDOW_MS (the provider's cap), and
 * the KV checkpoint thresholds (`kv_checkpoint_policy.ts`).
 */
const ENV_CEILINGS: Record<string, number> = {
  TLSYNC_LEASE_MS: 3_600_000,
  TLSYNC_KV_COMMIT_WINDOW_MS: MAX_COMMIT_WINDOW_MS,
  TLSYNC_KV_CHECKPOINT_ENTRIES: CHECKPOINT_POLICY_CEILINGS.maxEntries,
  TLSYNC_KV_CHECKPOINT_BYTES: CHECKPOINT_POLICY_CEILINGS.maxBytes,
  TLSYNC_KV_CHECKPOINT_MS: CHECKPOINT_POLICY_CEILINGS.maxAgeMs,
};

/**
 * Checkpoint thresholds set by TLSYNC_KV_CHECKPOINT_ENTRIES / _BYTES / _MS (each a positive
 * integer, clamped to its ceiling with a warning; anything else ignored with a warning).
 */
export function checkpointEnv(
  logger: Logger,
  read: (name: string) => string | undefined = readEnv,
): Partial<CheckpointPolicy> {
  const out: Partial<CheckpointPolicy> = {};
  const env = (name: string): number | undefined =>
    parseEnvInteger(name, read(name), ENV_CEILINGS[name]!, logger);
  const entries = env("TLSYNC_KV_CHECKPOINT_ENTRIES");
  const bytes = env("TLSYNC_KV_CHECKPOINT_BYTES");
  const ms = env("TLSYNC_KV_CHECKPOINT_MS");
  if (entries !== undefined) out.maxEntries = entries;
  if (bytes !== undefined) out.maxBytes = bytes;
  if (ms !== undefined) out.maxAgeMs = ms;
  return out;
}

/**
 * Shortest TLSYNC_LEASE_MS accepted: a lease is renewed every third of it through KV, so a
 * lifetime near a KV write's latency would lose rooms to their own server. Shorter values are
 * raised to it with a warning.
 */
export const MIN_LEASE_MS = 100;

/**
 * TLSYNC_LEASE_MS: a positive integer within [{@linkcode MIN_LEASE_MS}, 1 hour] (warned when
 * clamped).
 */
export function leaseEnv(
  logger: Logger,
  read: (name: string) => string | undefined = readEnv,
): number | undefined {
  const name = "TLSYNC_LEASE_MS";
  const raw = read(name);
  const ms = parseEnvInteger(name, raw, ENV_CEILINGS[name]!, logger);
  if (ms === undefined || ms >= MIN_LEASE_MS) return ms;
  logger.warn("env_invalid", { name, value: String(raw).trim().slice(0, 40), using: MIN_LEASE_MS });
  return MIN_LEASE_MS;
}

function numberEnv(name: string, logger: Logger): number | undefined {
  return parseEnvInteger(name, readEnv(name), ENV_CEILINGS[name] ?? 1_000_000_000, logger);
}

/** The env var naming Bun's KV driver for local files (see `open_kv.ts`). */
export const BUN_KV_ENV = "TLSYNC_BUN_KV";

/**
 * Bun's KV driver from `value` (unset or empty: the default). Both drivers read and write the
 * same file, so an unknown value is logged and the default used.
 */
export function bunKvDriverFromEnv(
  value: string | undefined,
  logger: Logger,
): BunKvDriver | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const driver = parseBunKvDriver(value);
  if (driver === null) {
    logger.warn("env_invalid", {
      name: BUN_KV_ENV,
      value: value.slice(0, 40),
      using: "sqlite",
    });
  }
  return driver ?? undefined;
}
