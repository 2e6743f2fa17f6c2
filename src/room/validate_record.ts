/**
 * Record validation against the room schema, as SyncErrors.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import { CloseReason } from "../protocol/close_reason.ts";
import { SyncError } from "../protocol/sync_error.ts";
import type { AnyStoreSchema } from "../schema/any_store_schema.ts";
import { isWellFormedText } from "../protocol/utf8_length.ts";

/** True for a plain object that looks like a record (string id and typeName). */
export function isRecordLike(value: unknown): value is UnknownRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as { id?: unknown; typeName?: unknown };
  return typeof v.id === "string" && typeof v.typeName === "string";
}

/**
 * Validate a document record; unknown types, non-document scopes and ids with a lone surrogate
 * (two of them would share one storage key) are invalid.
 */
export function validateDocument(
  schema: AnyStoreSchema,
  record: UnknownRecord,
  before: UnknownRecord | undefined,
): UnknownRecord {
  if (!isWellFormedText(record.id)) {
    throw new SyncError(
      CloseReason.INVALID_RECORD,
      "Cannot store a record whose id has a lone surrogate",
    );
  }
  const type = schema.types[record.typeName];
  if (!type || type.scope !== "document") {
    throw new SyncError(
      CloseReason.INVALID_RECORD,
      `Cannot store record "${record.id}": "${record.typeName}" is not a document type`,
    );
  }
  return validateWith(type, record, before);
}

/** Validate with a specific record type. */
export function validateWith(
  type: { validate(record: unknown, before?: UnknownRecord): UnknownRecord },
  record: UnknownRecord,
  before: UnknownRecord | undefined,
): UnknownRecord {
  try {
    return type.validate(record, before);
  } catch (error) {
    throw new SyncError(
      CloseReason.INVALID_RECORD,
      `Invalid record "${record.id}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
