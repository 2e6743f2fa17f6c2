/**
 * The default server's upload and unfurl limits from environment variables (unset: the route's
 * default; invalid: the default with an `env_invalid` warning, see `env_limits.ts`).
 * @module
 */
import type { AddressRateLimit } from "../server/routes/address_limiter.ts";
import type { AssetRoutesOptions } from "../server/routes/assets_route.ts";
import type { UnfurlRouteOptions } from "../server/routes/unfurl_route.ts";
import type { Logger } from "../ports/logger.ts";
import { readEnv } from "../runtime/env.ts";
import { parseEnvInteger } from "./env_limits.ts";

/** Largest TLSYNC_UPLOAD_IDLE_TIMEOUT_MS and TLSYNC_UPLOAD_TIMEOUT_MS accepted (1 hour). */
const UPLOAD_TIMEOUT_CEILING_MS = 3_600_000;

/**
 * TLSYNC_MAX_UPLOAD_BYTES, TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM, TLSYNC_UPLOADS_PER_MINUTE (per
 * client address, burst half of it), TLSYNC_UPLOAD_IDLE_TIMEOUT_MS and TLSYNC_UPLOAD_TIMEOUT_MS
 * (an upload body's idle and total deadlines).
 */
export function assetRouteEnv(logger: Logger): Partial<AssetRoutesOptions> {
  const maxBytes = positiveEnv("TLSYNC_MAX_UPLOAD_BYTES", logger, 1024 ** 3);
  const maxBytesPerRoom = positiveEnv("TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM", logger, 1024 ** 4);
  const rateLimit = rateEnv("TLSYNC_UPLOADS_PER_MINUTE", logger);
  const uploadIdleTimeoutMs = positiveEnv(
    "TLSYNC_UPLOAD_IDLE_TIMEOUT_MS",
    logger,
    UPLOAD_TIMEOUT_CEILING_MS,
  );
  const uploadTimeoutMs = positiveEnv(
    "TLSYNC_UPLOAD_TIMEOUT_MS",
    logger,
    UPLOAD_TIMEOUT_CEILING_MS,
  );
  return {
    ...(maxBytes ? { maxBytes } : {}),
    ...(maxBytesPerRoom ? { maxBytesPerRoom } : {}),
    ...(rateLimit ? { rateLimit } : {}),
    ...(uploadIdleTimeoutMs ? { uploadIdleTimeoutMs } : {}),
    ...(uploadTimeoutMs ? { uploadTimeoutMs } : {}),
  };
}

/**
 * TLSYNC_UNFURLS_PER_MINUTE (per client address, burst half of it), TLSYNC_MAX_CONCURRENT_UNFURLS,
 * TLSYNC_UNFURL_PARSE_BUDGET_MS.
 */
export function unfurlRouteEnv(logger: Logger): Partial<UnfurlRouteOptions> {
  const rateLimit = rateEnv("TLSYNC_UNFURLS_PER_MINUTE", logger);
  const maxConcurrent = positiveEnv("TLSYNC_MAX_CONCURRENT_UNFURLS", logger, 10_000);
  const parseBudgetMs = positiveEnv("TLSYNC_UNFURL_PARSE_BUDGET_MS", logger, 60_000);
  return {
    ...(rateLimit ? { rateLimit } : {}),
    ...(maxConcurrent ? { maxConcurrent } : {}),
    ...(parseBudgetMs ? { parseBudgetMs } : {}),
  };
}

function rateEnv(name: string, logger: Logger): AddressRateLimit | undefined {
  const perMinute = positiveEnv(name, logger, 1_000_000_000);
  return perMinute ? { perMinute, burst: Math.max(1, Math.ceil(perMinute / 2)) } : undefined;
}

function positiveEnv(name: string, logger: Logger, ceiling: number): number | undefined {
  return parseEnvInteger(name, readEnv(name), ceiling, logger);
}
