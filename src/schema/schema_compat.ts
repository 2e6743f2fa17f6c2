/**
 * The connect-time schema gate: can a client with `clientSchema` sync with this server?
 * @module
 */
import type { SerializedSchema, StoreSchema, UnknownRecord } from "@tldraw/store";
import isEqual from "fast-deep-equal";
import { CloseReason } from "../protocol/close_reason.ts";

/** The outcome of the schema gate. */
export type SchemaCompatibility =
  | { ok: true; sessionSchema: SerializedSchema; requiresMigrations: boolean }
  | { ok: false; reason: string };

/** An untyped store schema, as the room holds it. */
export type AnyStoreSchema = StoreSchema<UnknownRecord, unknown>;

/**
 * Decide whether a client schema is compatible. A client whose schema equals the server's
 * shares the server's serialized schema object (so no migration work is ever done for it).
 */
export function checkSchemaCompatibility(
  schema: AnyStoreSchema,
  serverSchema: SerializedSchema,
  clientSchema: unknown,
): SchemaCompatibility {
  if (!isSerializedSchema(clientSchema)) return { ok: false, reason: CloseReason.CLIENT_TOO_OLD };
  if (isEqual(clientSchema, serverSchema)) {
    return { ok: true, sessionSchema: serverSchema, requiresMigrations: false };
  }
  let migrations;
  try {
    migrations = schema.getMigrationsSince(clientSchema);
  } catch {
    // A malformed schema (e.g. an unknown schemaVersion) cannot be migrated.
    return { ok: false, reason: mismatchReason(serverSchema, clientSchema) };
  }
  if (!migrations.ok) return { ok: false, reason: mismatchReason(serverSchema, clientSchema) };
  for (const migration of migrations.value) {
    if (migration.scope !== "record" || !migration.down) {
      return { ok: false, reason: CloseReason.CLIENT_TOO_OLD };
    }
  }
  return { ok: true, sessionSchema: clientSchema, requiresMigrations: migrations.value.length > 0 };
}

/** SERVER_TOO_OLD when the client is ahead anywhere, otherwise CLIENT_TOO_OLD. */
function mismatchReason(server: SerializedSchema, client: SerializedSchema): string {
  if (client.schemaVersion > server.schemaVersion) return CloseReason.SERVER_TOO_OLD;
  if (client.schemaVersion === 2 && server.schemaVersion === 2) {
    const ours = server.sequences;
    for (const [sequence, version] of Object.entries(client.sequences)) {
      const mine = ours[sequence];
      if (mine === undefined || version > mine) return CloseReason.SERVER_TOO_OLD;
    }
  }
  return CloseReason.CLIENT_TOO_OLD;
}

function isSerializedSchema(value: unknown): value is SerializedSchema {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { schemaVersion?: unknown; sequences?: unknown; recordVersions?: unknown };
  if (v.schemaVersion === 2) return typeof v.sequences === "object" && v.sequences !== null;
  return typeof v.schemaVersion === "number" && typeof v.recordVersions === "object";
}
