/**
 * The default server's upload and unfurl limits from environment variables (unset or not a
 * positive number: the route's default).
 * @module
 */
import type { AddressRateLimit } from "../server/routes/address_limiter.ts";
import type { AssetRoutesOptions } from "../server/routes/assets_route.ts";
import type { UnfurlRouteOptions } from "../server/routes/unfurl_route.ts";
import { readEnv } from "./env.ts";

/**
 * TLSYNC_MAX_UPLOAD_BYTES, TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM, TLSYNC_UPLOADS_PER_MINUTE (per
 * client address, burst half of it).
 */
export function assetRouteEnv(): Partial<AssetRoutesOptions> {
  const maxBytes = positiveEnv("TLSYNC_MAX_UPLOAD_BYTES");
  const maxBytesPerRoom = positiveEnv("TLSYNC_MAX_UPLOAD_BYTES_PER_ROOM");
  const rateLimit = rateEnv("TLSYNC_UPLOADS_PER_MINUTE");
  return {
    ...(maxBytes ? { maxBytes } : {}),
    ...(maxBytesPerRoom ? { maxBytesPerRoom } : {}),
    ...(rateLimit ? { rateLimit } : {}),
  };
}

/**
 * TLSYNC_UNFURLS_PER_MINUTE (per client address, burst half of it), TLSYNC_MAX_CONCURRENT_UNFURLS,
 * TLSYNC_UNFURL_PARSE_BUDGET_MS.
 */
export function unfurlRouteEnv(): Partial<UnfurlRouteOptions> {
  const rateLimit = rateEnv("TLSYNC_UNFURLS_PER_MINUTE");
  const maxConcurrent = positiveEnv("TLSYNC_MAX_CONCURRENT_UNFURLS");
  const parseBudgetMs = positiveEnv("TLSYNC_UNFURL_PARSE_BUDGET_MS");
  return {
    ...(rateLimit ? { rateLimit } : {}),
    ...(maxConcurrent ? { maxConcurrent } : {}),
    ...(parseBudgetMs ? { parseBudgetMs } : {}),
  };
}

function rateEnv(name: string): AddressRateLimit | undefined {
  const perMinute = positiveEnv(name);
  return perMinute ? { perMinute, burst: Math.max(1, Math.ceil(perMinute / 2)) } : undefined;
}

function positiveEnv(name: string): number | undefined {
  const value = Number(readEnv(name) ?? "");
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
