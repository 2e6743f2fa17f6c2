/**
 * Per-record migration between a session's schema and the server's, as SyncErrors.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import { CloseReason } from "../protocol/close_reason.ts";
import { SyncError } from "../protocol/sync_error.ts";
import type { AnyStoreSchema } from "./any_store_schema.ts";

/** Migrate a record written by a client at `from` up to the server schema. */
export function migrateUp(
  schema: AnyStoreSchema,
  record: UnknownRecord,
  from: SerializedSchema,
): UnknownRecord {
  return migrate(schema, record, from, "up");
}

/** Migrate a server record down to a client's schema `to`. */
export function migrateDown(
  schema: AnyStoreSchema,
  record: UnknownRecord,
  to: SerializedSchema,
): UnknownRecord {
  return migrate(schema, record, to, "down");
}

/**
 * A record that cannot be migrated: one the client wrote (up) is malformed, `INVALID_RECORD`;
 * one the server holds (down) cannot be shown to this client, `CLIENT_TOO_OLD`.
 */
function migrate(
  schema: AnyStoreSchema,
  record: UnknownRecord,
  other: SerializedSchema,
  direction: "up" | "down",
): UnknownRecord {
  const reason = direction === "up" ? CloseReason.INVALID_RECORD : CloseReason.CLIENT_TOO_OLD;
  let result;
  try {
    result = schema.migratePersistedRecord(record, other, direction);
  } catch (error) {
    throw new SyncError(
      reason,
      `Cannot migrate record "${record.id}" ${direction}: ${String(error)}`,
    );
  }
  if (result.type === "error") {
    throw new SyncError(
      reason,
      `Cannot migrate record "${record.id}" ${direction}: ${result.reason}`,
    );
  }
  return result.value;
}
