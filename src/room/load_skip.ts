/**
 * Stored records that loading leaves out: why, and how they are described in logs and hooks.
 * A skipped record stays in storage (see `Room.load`); it is only kept out of the live room.
 * @module
 */
import { firstLine } from "../ports/first_line.ts";
import type { Logger } from "../ports/logger.ts";

/** Why loading left a stored record out of the room (log field and metric label). */
export const LoadSkipReason = {
  /** Not an object with a string `id` and `typeName`. */
  NOT_A_RECORD: "NOT_A_RECORD",
  /** Id longer than `maxRecordIdBytes`. */
  ID_TOO_LONG: "ID_TOO_LONG",
  /** Nested deeper than `maxRecordDepth`. */
  RECORD_TOO_DEEP: "RECORD_TOO_DEEP",
  /** JSON larger than `maxRecordBytes`. */
  RECORD_TOO_LARGE: "RECORD_TOO_LARGE",
  /** A migration threw on it (or returned something that is not the record). */
  MIGRATION_FAILED: "MIGRATION_FAILED",
  /** Its `typeName` is not in the schema. */
  UNKNOWN_TYPE: "UNKNOWN_TYPE",
  /** It fails the schema's validation. */
  INVALID_RECORD: "INVALID_RECORD",
  /** The stored schema cannot be read; records are taken as being at the server's versions. */
  SCHEMA_UNREADABLE: "SCHEMA_UNREADABLE",
} as const;
/** One of {@linkcode LoadSkipReason}. */
export type LoadSkipReason = typeof LoadSkipReason[keyof typeof LoadSkipReason];

/** A stored record (or, for `SCHEMA_UNREADABLE`, the stored schema) loading left out. */
export interface SkippedRecord {
  /** The record's id, at most 200 characters (absent when it has no string id). */
  recordId?: string;
  /** Why. */
  reason: LoadSkipReason;
  /** The validator's or migration's message (first line, at most 200 characters). */
  detail: string;
}

const MAX_TEXT = 200;

/** `text` cut to 200 characters (an ellipsis marks the cut). */
export function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** The first line of an error's message, clipped. */
export function describeError(error: unknown): string {
  return firstLine(error, MAX_TEXT);
}

/** A skip of the record `id` (clipped). */
export function skipOf(id: unknown, reason: LoadSkipReason, detail: string): SkippedRecord {
  return typeof id === "string" ? { recordId: clip(id), reason, detail } : { reason, detail };
}

/** Lines logged per load; further skips are summed up in one line (all are reported). */
export const MAX_SKIP_LOG_LINES = 100;

/** A skip as a room reports it to its host. */
export interface RoomSkippedRecord extends SkippedRecord {
  /** The room being loaded. */
  roomId: string;
}

/**
 * Log each skip (`record_skipped`, at most {@linkcode MAX_SKIP_LOG_LINES}, then one
 * `record_skipped_more`) and hand every one to `onSkipped`.
 */
export function reportSkipped(
  roomId: string,
  logger: Logger,
  skipped: readonly SkippedRecord[],
  onSkipped: ((info: RoomSkippedRecord) => void) | undefined,
): void {
  skipped.forEach((s, i) => {
    if (i < MAX_SKIP_LOG_LINES) logger.warn("record_skipped", { roomId, ...s });
    try {
      onSkipped?.({ roomId, ...s });
    } catch (error) {
      logger.error("hook_failed", { hook: "onRecordSkipped", error: describeError(error) });
    }
  });
  if (skipped.length > MAX_SKIP_LOG_LINES) {
    logger.warn("record_skipped_more", { roomId, more: skipped.length - MAX_SKIP_LOG_LINES });
  }
}
