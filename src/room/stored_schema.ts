/**
 * From the schema stored with a room to the migrations its records need. A stored schema newer
 * than the server's is a version problem, not damage: loading fails closed (upgrade the
 * server; nothing is changed). A schema that cannot be read at all is damage: its records are
 * taken as being at the server's versions, and validation keeps out whatever does not fit.
 * @module
 */
import type { Migration, SerializedSchema } from "@tldraw/store";
import type { AnyStoreSchema } from "../schema/any_store_schema.ts";
import { describeError } from "./load_skip.ts";

/** The stored schema is newer than the server's: the room loads only on a newer server. */
export class StoredSchemaTooNewError extends Error {
  /** `what` names the newer part, e.g. `com.tldraw.shape.geo 12 > 10`. */
  constructor(what: string) {
    super(
      `Cannot load a room stored by a newer server (${what}): upgrade this server; ` +
        "nothing was changed",
    );
    this.name = "StoredSchemaTooNewError";
  }
}

/** What the stored records need: migrations, and whether the stored schema gets rewritten. */
export interface SchemaPlan {
  migrations: Migration[];
  rewrite: boolean;
}

/**
 * The migrations from `stored` to `schema`, in order.
 * @throws {StoredSchemaTooNewError} when `stored` is ahead of `schema` anywhere.
 */
export function planMigrations(
  schema: AnyStoreSchema,
  stored: unknown,
  onUnreadable: (detail: string) => void,
): SchemaPlan {
  if (typeof stored !== "object" || stored === null || Array.isArray(stored)) {
    onUnreadable("the stored schema is not an object");
    return { migrations: [], rewrite: true };
  }
  const newer = newerPart(schema.serialize(), stored as SerializedSchema);
  if (newer) throw new StoredSchemaTooNewError(newer);
  let result;
  try {
    result = schema.getMigrationsSince(stored as SerializedSchema);
  } catch (error) {
    onUnreadable(describeError(error));
    return { migrations: [], rewrite: true };
  }
  if (!result.ok) {
    onUnreadable(`the stored schema has unknown versions (${describeError(result.error)})`);
    return { migrations: [], rewrite: true };
  }
  return { migrations: result.value, rewrite: result.value.length > 0 };
}

/** The first part of `stored` that is ahead of `server`, as text, or `null`. */
function newerPart(server: SerializedSchema, stored: SerializedSchema): string | null {
  const format = (stored as { schemaVersion?: unknown }).schemaVersion;
  if (typeof format === "number" && format > server.schemaVersion) {
    return `schema format ${format} > ${server.schemaVersion}`;
  }
  if (format !== 2 || server.schemaVersion !== 2) return null;
  const sequences = (stored as { sequences?: unknown }).sequences;
  if (typeof sequences !== "object" || sequences === null) return null;
  for (const [sequence, version] of Object.entries(sequences)) {
    const ours = server.sequences[sequence];
    if (typeof ours === "number" && typeof version === "number" && version > ours) {
      return `${sequence.slice(0, 100)} ${version} > ${ours}`;
    }
  }
  return null;
}
