/**
 * A client's patch applied to a record: a malformed diff (an op that is not one, a field an array
 * cannot have) is the client's `INVALID_RECORD`, not a server error.
 * @module
 */
import type { ObjectDiff } from "../diff/network_diff.ts";
import { patchObject } from "../diff/patch_object.ts";
import { CloseReason } from "../protocol/close_reason.ts";
import { SyncError } from "../protocol/sync_error.ts";

/** `patchObject(target, diff)`, its TypeError for a malformed diff turned into a SyncError. */
export function patchRecord<T extends object>(target: T, diff: ObjectDiff): T {
  try {
    return patchObject(target, diff);
  } catch (error) {
    if (error instanceof TypeError) throw new SyncError(CloseReason.INVALID_RECORD, error.message);
    throw error;
  }
}
