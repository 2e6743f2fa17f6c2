/**
 * Turn committed record changes into the network diff one kind of session receives: at the
 * session's schema (down-migrated when it differs) and with or without string appends.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import { compareRecords } from "../diff/compare_records.ts";
import type { NetworkDiff } from "../diff/network_diff.ts";
import type { RecordChange } from "../diff/record_change.ts";
import { migrateDown } from "./migrate_record.ts";
import type { AnyStoreSchema } from "./any_store_schema.ts";

/** Who a diff is for. */
export interface DiffTarget {
  /** Encode string appends as puts (protocol 7 and older peers). */
  legacyAppend: boolean;
  /** The session's schema when it differs from the server's; migrate records down to it. */
  sessionSchema?: SerializedSchema;
}

/**
 * Build the network diff for `target`. Returns `null` when nothing is visible to it.
 * Throws a `SyncError(CLIENT_TOO_OLD)` when a record cannot be migrated down.
 */
export function changesToNetworkDiff(
  schema: AnyStoreSchema,
  changes: Iterable<[string, RecordChange]>,
  target: DiffTarget,
): NetworkDiff | null {
  const out: NetworkDiff = {};
  let any = false;
  const to = target.sessionSchema;
  for (const [id, { before, after }] of changes) {
    if (!after) {
      if (before) {
        out[id] = ["remove"];
        any = true;
      }
      continue;
    }
    const next = to ? migrateDown(schema, after, to) : after;
    if (!before) {
      out[id] = ["put", next];
      any = true;
      continue;
    }
    const prev = to ? migrateDown(schema, before, to) : before;
    const patch = compareRecords(prev, next, { textAppends: !target.legacyAppend });
    if (patch) {
      out[id] = ["patch", patch];
      any = true;
    }
  }
  return any ? out : null;
}
