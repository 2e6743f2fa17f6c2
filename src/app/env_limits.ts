/**
 * The default server's limits from the environment: every `SyncLimits` env var (the one table
 * below; the Origin allow-list and the proxy switches are in `origin_env.ts`). Env values
 * are input too: one that is not a plain positive integer is ignored (the default applies) and
 * one above its ceiling is clamped to it; both log an `env_invalid` warning at startup.
 * @module
 */
import { type Logger, silentLogger } from "../ports/logger.ts";
import { ROOM_LIMIT_CEILINGS } from "../room/room_limits.ts";
import type { SyncLimits } from "../server/server_options.ts";
import { readEnv } from "../runtime/env.ts";

/** Largest value of a limit without a ceiling of its own (counts, rates). */
const COUNT_CEILING = 1_000_000_000;

/** Env var and ceiling of each limit the default server reads. */
const LIMIT_ENV: Record<string, { key: keyof SyncLimits; ceiling: number }> = {
  TLSYNC_MAX_MESSAGE_BYTES: {
    key: "maxMessageBytes",
    ceiling: ROOM_LIMIT_CEILINGS.maxMessageBytes,
  },
  TLSYNC_MAX_RECORD_BYTES: { key: "maxRecordBytes", ceiling: ROOM_LIMIT_CEILINGS.maxRecordBytes },
  TLSYNC_MAX_RECORD_DEPTH: { key: "maxRecordDepth", ceiling: ROOM_LIMIT_CEILINGS.maxRecordDepth },
  TLSYNC_MAX_RECORD_ID_BYTES: {
    key: "maxRecordIdBytes",
    ceiling: ROOM_LIMIT_CEILINGS.maxRecordIdBytes,
  },
  TLSYNC_MAX_ROOM_BYTES: { key: "maxRoomBytes", ceiling: ROOM_LIMIT_CEILINGS.maxRoomBytes },
  TLSYNC_MAX_TOMBSTONES: { key: "maxTombstones", ceiling: ROOM_LIMIT_CEILINGS.maxTombstones },
  TLSYNC_MAX_TOMBSTONE_BYTES: {
    key: "maxTombstoneBytes",
    ceiling: ROOM_LIMIT_CEILINGS.maxTombstoneBytes,
  },
  TLSYNC_TOMBSTONE_MAX_AGE_MS: {
    key: "tombstoneMaxAgeMs",
    ceiling: ROOM_LIMIT_CEILINGS.tombstoneMaxAgeMs,
  },
  TLSYNC_MAX_SESSIONS: { key: "maxSessionsPerRoom", ceiling: COUNT_CEILING },
  TLSYNC_MAX_MPS: { key: "maxMessagesPerSecond", ceiling: COUNT_CEILING },
  TLSYNC_MESSAGE_BURST: { key: "messageBurst", ceiling: COUNT_CEILING },
  TLSYNC_MAX_PRELOAD_BYTES: { key: "maxPreloadBytes", ceiling: COUNT_CEILING },
  TLSYNC_MAX_PENDING_PER_ROOM: { key: "maxPendingPerRoom", ceiling: COUNT_CEILING },
  TLSYNC_MAX_PENDING_PER_ADDRESS: { key: "maxPendingPerAddress", ceiling: COUNT_CEILING },
  TLSYNC_MAX_SOCKETS_PER_ADDRESS: { key: "maxSocketsPerAddress", ceiling: COUNT_CEILING },
  TLSYNC_NEW_ROOMS_PER_MINUTE: { key: "newRoomsPerMinute", ceiling: COUNT_CEILING },
  TLSYNC_NEW_ROOM_BURST: { key: "newRoomBurst", ceiling: COUNT_CEILING },
  TLSYNC_MAX_SESSION_ID_CHARS: { key: "maxSessionIdChars", ceiling: 4096 },
};

/** Limits set by env vars. Without TLSYNC_MESSAGE_BURST, the burst is 5x TLSYNC_MAX_MPS. */
export function limitsFromEnv(
  logger: Logger = silentLogger,
  read: (name: string) => string | undefined = readEnv,
): SyncLimits {
  const limits: SyncLimits = {};
  for (const [name, { key, ceiling }] of Object.entries(LIMIT_ENV)) {
    const value = parseEnvInteger(name, read(name), ceiling, logger);
    if (value !== undefined) limits[key] = value;
  }
  if (limits.maxMessagesPerSecond && limits.messageBurst === undefined) {
    limits.messageBurst = Math.min(limits.maxMessagesPerSecond * 5, COUNT_CEILING);
  }
  return limits;
}

/**
 * An integer env value of at least `min` (default 1: positive): `undefined` when unset or not
 * such a plain integer (with a warning unless unset), clamped to `ceiling` (with a warning).
 */
export function parseEnvInteger(
  name: string,
  raw: string | undefined,
  ceiling: number,
  logger: Logger,
  min = 1,
): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const text = raw.trim();
  const value = /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min)) {
    logger.warn("env_invalid", { name, value: text.slice(0, 40), using: "default" });
    return undefined;
  }
  if (value > ceiling) {
    logger.warn("env_invalid", { name, value: text, using: ceiling });
    return ceiling;
  }
  return value;
}
