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
import { type Logger, silentLogger } from "../ports/logger.ts";
import { adminRoutes } from "../server/admin/admin_routes.ts";
import { historyFromEnv } from "./history_env.ts";
import { metricsRoute } from "../server/metrics_route.ts";
import { assetRoutes } from "../server/routes/assets_route.ts";
import { unfurlRoute } from "../server/routes/unfurl_route.ts";
import { createSyncHandler, type SyncHandler } from "../runtime/create_sync_handler.ts";
import { openDefaultStore } from "./default_store.ts";
import { MAX_COMMIT_WINDOW_MS } from "../storage/kv/kv_storage_provider.ts";
import { MAX_LEASE_TTL_MS } from "../storage/kv/kv_lease.ts";
import {
  CHECKPOINT_POLICY_CEILINGS,
  type CheckpointPolicy,
} from "../storage/kv/kv_checkpoint_policy.ts";
import { readEnv } from "../runtime/env.ts";
import { type BunKvDriver, parseBunKvDriver } from "../runtime/open_kv.ts";
import { limitsFromEnv, parseEnvInteger } from "./env_limits.ts";
import { originOptionsFromEnv } from "./origin_env.ts";
import { loggerFromEnv } from "./log_level_env.ts";
import { tokenFromEnv } from "./token_env.ts";
import { envSwitch } from "./env_switch.ts";
import { EnvError } from "./env_error.ts";
import { exitWithMessage } from "../runtime/exit_with_message.ts";
import { systemResolveHost } from "../runtime/resolve_host.ts";
import { assetRouteEnv, unfurlRouteEnv } from "./route_env.ts";
import { installShutdown } from "../runtime/shutdown.ts";

/** Default KV location. */
export const DEFAULT_DATA_PATH = "./data/tlsync.kv.sqlite3";

/** Options of {@linkcode createDefaultServer}. */
export interface DefaultServerOptions {
  /**
   * When storage cannot be opened or an environment value refuses startup ({@linkcode EnvError}),
   * print one line and exit non-zero (the server process is `mod.ts` or `serve_main.ts` itself).
   * Otherwise the server stays up with `/health` answering 503 (storage), or the `EnvError` is
   * thrown. Default false.
   */
  exitOnStorageFailure?: boolean;
}

/** Build the default server; storage opens in the background and requests wait for it. */
export function createDefaultServer(options: DefaultServerOptions = {}): SyncHandler {
  const logger = loggerFromEnv();
  const transport = refuseOnEnvError(() => originOptionsFromEnv(logger), options);
  const managed = !readEnv("TLSYNC_DATA") && !!readEnv("DENO_DEPLOYMENT_ID");
  const path = managed ? undefined : readEnv("TLSYNC_DATA") ?? DEFAULT_DATA_PATH;
  const cluster = clusterDefault(path, readEnv("TLSYNC_CLUSTER"), logger);
  const history = historyFromEnv(logger);
  const adminToken = tokenFromEnv("TLSYNC_ADMIN_TOKEN", logger);
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
    metricsRoute({ token: tokenFromEnv("TLSYNC_METRICS_TOKEN", logger), logger }),
    adminRoutes({
      token: adminToken,
      logger,
      console: envSwitch("TLSYNC_ADMIN_CONSOLE", readEnv("TLSYNC_ADMIN_CONSOLE"), true, logger),
    }),
  ];
  const handler = createSyncHandler({
    storage,
    storageHealth: store.storageHealth,
    metrics: store.metrics,
    events: store.events,
    logger,
    limits,
    ...transport,
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
    admin: !!adminToken,
    history: history.enabled,
  });
  return handler;
}

/**
 * `read()`, or, when it throws an {@linkcode EnvError} and the process is the server, one line
 * and exit 1 (as for storage that cannot be opened).
 */
function refuseOnEnvError<T>(read: () => T, options: DefaultServerOptions): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof EnvError && options.exitOnStorageFailure) {
      exitWithMessage(`tlsync: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Whether rooms are served by one lease-holding process among all those sharing the KV, the
 * others following it: on for every store other processes can open (a file, a KV Connect URL,
 * Deploy's managed KV), so `deno serve --parallel` workers and several processes just work; it
 * costs nothing while alone (see `cluster_router.ts`). `TLSYNC_CLUSTER=0` turns it off (an
 * on/off switch, see `env_switch.ts`); an in-memory KV is private to its isolate, so never.
 */
export function clusterDefault(
  path: string | undefined,
  env: string | undefined,
  logger: Logger = silentLogger,
): boolean {
  const on = envSwitch("TLSYNC_CLUSTER", env, true, logger);
  return path !== ":memory:" && on;
}

/**
 * Bun's `reusePort` for the default export (TLSYNC_REUSE_PORT=1, set by `bun_cluster.ts`):
 * several `bun run mod.ts` processes then listen on one port and the kernel spreads connections.
 * Off by default, so a second server started by mistake still fails with EADDRINUSE.
 */
export function reusePortFromEnv(): boolean {
  return readEnv("TLSYNC_REUSE_PORT") === "1";
}

/**
 * Largest TLSYNC_LEASE_MS accepted (1 hour), TLSYNC_KV_COMMIT_WINDOW_MS (the provider's cap), and
 * the KV checkpoint thresholds (`kv_checkpoint_policy.ts`).
 */
const ENV_CEILINGS: Record<string, number> = {
  TLSYNC_LEASE_MS: MAX_LEASE_TTL_MS,
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
