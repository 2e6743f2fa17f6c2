/**
 * The record, room and message caps of the default server from the environment:
 * TLSYNC_MAX_MESSAGE_BYTES, TLSYNC_MAX_RECORD_BYTES, TLSYNC_MAX_RECORD_DEPTH,
 * TLSYNC_MAX_RECORD_ID_BYTES, TLSYNC_MAX_ROOM_BYTES. Env values are input too: one that is not
 * a positive integer is ignored (default used), one above the limit's ceiling is clamped to it;
 * both log an `env_invalid` warning at startup.
 * @module
 */
import type { Logger } from "../room/logger.ts";
import { ROOM_LIMIT_CEILINGS, type RoomLimits } from "../room/room_limits.ts";
import { readEnv } from "./env.ts";

const ROOM_LIMIT_ENV = {
  maxMessageBytes: "TLSYNC_MAX_MESSAGE_BYTES",
  maxRecordBytes: "TLSYNC_MAX_RECORD_BYTES",
  maxRecordDepth: "TLSYNC_MAX_RECORD_DEPTH",
  maxRecordIdBytes: "TLSYNC_MAX_RECORD_ID_BYTES",
  maxRoomBytes: "TLSYNC_MAX_ROOM_BYTES",
} as const;

/** The caps set in the environment (unset ones are left to the defaults). */
export function roomLimitsFromEnv(
  logger: Logger,
  read: (name: string) => string | undefined = readEnv,
): RoomLimits {
  const limits: RoomLimits = {};
  for (const [key, name] of Object.entries(ROOM_LIMIT_ENV) as [keyof RoomLimits, string][]) {
    const value = parseLimit(name, read(name), ROOM_LIMIT_CEILINGS[key], logger);
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

function parseLimit(
  name: string,
  raw: string | undefined,
  ceiling: number,
  logger: Logger,
): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const text = raw.trim();
  const value = /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1)) {
    logger.warn("env_invalid", { name, value: text.slice(0, 40), using: "default" });
    return undefined;
  }
  if (value > ceiling) {
    logger.warn("env_invalid", { name, value: text, using: ceiling });
    return ceiling;
  }
  return value;
}
