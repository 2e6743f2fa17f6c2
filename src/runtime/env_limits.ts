/**
 * The default server's transport settings from the environment: limits (`SyncLimits`), the
 * Origin allow-list and the trusted-proxy switch.
 * @module
 */
import type { SyncLimits, SyncServerOptions } from "../server/server_options.ts";
import { readEnv } from "./env.ts";

/** Env var for each numeric limit. */
const LIMIT_ENV = {
  TLSYNC_MAX_SESSIONS: "maxSessionsPerRoom",
  TLSYNC_MAX_MPS: "maxMessagesPerSecond",
  TLSYNC_MESSAGE_BURST: "messageBurst",
  TLSYNC_MAX_PRELOAD_BYTES: "maxPreloadBytes",
  TLSYNC_MAX_PENDING_PER_ROOM: "maxPendingPerRoom",
  TLSYNC_MAX_PENDING_PER_ADDRESS: "maxPendingPerAddress",
  TLSYNC_MAX_SOCKETS_PER_ADDRESS: "maxSocketsPerAddress",
  TLSYNC_NEW_ROOMS_PER_MINUTE: "newRoomsPerMinute",
  TLSYNC_NEW_ROOM_BURST: "newRoomBurst",
} as const satisfies Record<string, keyof SyncLimits>;

/** Longest TLSYNC_ALLOWED_ORIGINS value read. */
const MAX_ORIGINS_ENV_CHARS = 8192;

/** Limits set by env vars. Without TLSYNC_MESSAGE_BURST, the burst is 5x TLSYNC_MAX_MPS. */
export function limitsFromEnv(): SyncLimits {
  const limits: SyncLimits = {};
  for (const [name, key] of Object.entries(LIMIT_ENV)) {
    const value = positiveNumberEnv(name);
    if (value !== undefined) limits[key] = value;
  }
  if (limits.maxMessagesPerSecond && limits.messageBurst === undefined) {
    limits.messageBurst = limits.maxMessagesPerSecond * 5;
  }
  return limits;
}

/** `allowedOrigins` (TLSYNC_ALLOWED_ORIGINS, a comma list) and `trustProxy` (TLSYNC_TRUST_PROXY=1). */
export function originOptionsFromEnv(): Pick<SyncServerOptions, "allowedOrigins" | "trustProxy"> {
  const origins = readEnv("TLSYNC_ALLOWED_ORIGINS")?.slice(0, MAX_ORIGINS_ENV_CHARS);
  const list = origins?.split(",").map((o) => o.trim()).filter((o) => o !== "");
  const trust = readEnv("TLSYNC_TRUST_PROXY");
  return {
    ...(list && list.length > 0 ? { allowedOrigins: list } : {}),
    ...(trust === "1" || trust === "true" ? { trustProxy: true } : {}),
  };
}

/** A positive finite number, or `undefined` when unset or invalid. */
export function positiveNumberEnv(name: string): number | undefined {
  const value = Number(readEnv(name) ?? "");
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
