/**
 * The engine's caps on what clients may store, with their defaults: the one home of these
 * limits. The server's `SyncLimits` includes them and hands them to every `Room`.
 * @module
 */

/** Caps the room enforces before anything is committed, stored or broadcast. */
export interface RoomLimits {
  /** Largest message after chunk reassembly, in UTF-8 bytes. Default 8 MiB. */
  maxMessageBytes?: number;
  /** Longest record id, in UTF-8 bytes. Default 512. */
  maxRecordIdBytes?: number;
  /** Largest record (documents and presence), as UTF-8 JSON bytes. Default 2 MiB. */
  maxRecordBytes?: number;
  /** Deepest nesting of objects and arrays in a record (the record is level 1). Default 100. */
  maxRecordDepth?: number;
  /** Largest room: the sum of its documents' JSON sizes, in UTF-8 bytes. Default 64 MiB. */
  maxRoomBytes?: number;
  /** Most deletions remembered for incremental reconnects (hard cap). Default 5000. */
  maxTombstones?: number;
  /** Most approximate bytes those tombstones may hold. Default 1 MiB. */
  maxTombstoneBytes?: number;
  /** Deletions older than this many ms are forgotten at the next write. Default 30 days. */
  tombstoneMaxAgeMs?: number;
}

/** Limits with defaults filled in. */
export type ResolvedRoomLimits = Required<RoomLimits>;

/** The defaults of {@linkcode RoomLimits}. */
export const DEFAULT_ROOM_LIMITS: ResolvedRoomLimits = Object.freeze({
  maxMessageBytes: 8 * 1024 * 1024,
  maxRecordIdBytes: 512,
  maxRecordBytes: 2 * 1024 * 1024,
  maxRecordDepth: 100,
  maxRoomBytes: 64 * 1024 * 1024,
  maxTombstones: 5000,
  maxTombstoneBytes: 1024 * 1024,
  tombstoneMaxAgeMs: 30 * 24 * 60 * 60 * 1000,
});

/**
 * The largest value each limit accepts. Above them the process itself breaks: the connect
 * reply of a room must stay under V8's string length limit (~512 Mi UTF-16 units), validators
 * recurse once per nesting level, and an id is part of a Deno KV key (2 KiB in all).
 */
export const ROOM_LIMIT_CEILINGS: ResolvedRoomLimits = Object.freeze({
  maxMessageBytes: 256 * 1024 * 1024,
  maxRecordIdBytes: 1024,
  maxRecordBytes: 256 * 1024 * 1024,
  maxRecordDepth: 1000,
  maxRoomBytes: 256 * 1024 * 1024,
  maxTombstones: 10_000_000,
  maxTombstoneBytes: 1024 * 1024 * 1024,
  tombstoneMaxAgeMs: 10 * 365 * 24 * 60 * 60 * 1000,
});

/** Why a push was refused for exceeding a cap (log and metric label). */
export const LimitExceeded = {
  ID_TOO_LONG: "ID_TOO_LONG",
  RECORD_TOO_LARGE: "RECORD_TOO_LARGE",
  RECORD_TOO_DEEP: "RECORD_TOO_DEEP",
  ROOM_TOO_LARGE: "ROOM_TOO_LARGE",
} as const;
/** One of {@linkcode LimitExceeded}. */
export type LimitExceeded = typeof LimitExceeded[keyof typeof LimitExceeded];

/** True for a reason from {@linkcode LimitExceeded}. */
export function isLimitExceeded(reason: string): reason is LimitExceeded {
  return Object.hasOwn(LimitExceeded, reason);
}

/**
 * Fill in defaults.
 * @throws {RangeError} for a value that is not an integer from 1 to its ceiling.
 */
export function resolveRoomLimits(limits: RoomLimits = {}): ResolvedRoomLimits {
  const pick = (key: keyof RoomLimits): number => {
    const value = limits[key];
    if (value === undefined) return DEFAULT_ROOM_LIMITS[key];
    if (!Number.isSafeInteger(value) || value < 1 || value > ROOM_LIMIT_CEILINGS[key]) {
      throw new RangeError(
        `Cannot use ${key} ${value}: expected an integer from 1 to ${ROOM_LIMIT_CEILINGS[key]}`,
      );
    }
    return value;
  };
  return {
    maxMessageBytes: pick("maxMessageBytes"),
    maxRecordIdBytes: pick("maxRecordIdBytes"),
    maxRecordBytes: pick("maxRecordBytes"),
    maxRecordDepth: pick("maxRecordDepth"),
    maxRoomBytes: pick("maxRoomBytes"),
    maxTombstones: pick("maxTombstones"),
    maxTombstoneBytes: pick("maxTombstoneBytes"),
    tombstoneMaxAgeMs: pick("tombstoneMaxAgeMs"),
  };
}
