/**
 * Apply one pushed document op (put, patch, remove) inside the push's transaction.
 * Skips are silent; invalid input throws a SyncError that rolls the whole push back.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import isEqual from "fast-deep-equal";
import { patchRecord } from "./patch_record.ts";
import type { ObjectDiff, RecordOp } from "../diff/network_diff.ts";
import { CloseReason } from "../protocol/close_reason.ts";
import { SyncError } from "../protocol/sync_error.ts";
import { migrateDown, migrateUp } from "../schema/migrate_record.ts";
import { checkRecordDepth } from "./push_limits.ts";
import type { RoomCore } from "./room_core.ts";
import type { Session } from "./session.ts";
import type { StoreTransaction } from "./store_transaction.ts";
import { isRecordLike, validateDocument } from "./validate_record.ts";

/** Apply one record op from `session`. */
export function applyRecordOp(
  core: RoomCore,
  session: Session,
  txn: StoreTransaction,
  id: string,
  op: RecordOp,
): void {
  switch (op[0]) {
    case "put":
      return applyPut(core, session, txn, id, op[1]);
    case "patch":
      return applyPatch(core, session, txn, id, op[1]);
    case "remove":
      return txn.delete(id);
    default:
      throw invalid(`Unknown op for record "${id}"`);
  }
}

function applyPut(
  core: RoomCore,
  session: Session,
  txn: StoreTransaction,
  id: string,
  value: unknown,
): void {
  if (!isRecordLike(value) || value.id !== id) throw invalid(`Put of "${id}" is not a record`);
  if (!core.schema.types[value.typeName]) throw invalid(`Unknown record type "${value.typeName}"`);
  const clientSchema = session.profile.clientSchema;
  const record = clientSchema ? migrateUp(core.schema, value, clientSchema) : value;
  const existing = txn.get(id);
  if (existing && existing.typeName !== record.typeName) return; // never change a record's type
  const valid = validateDocument(core.schema, record, existing);
  if (existing && isUnchanged(existing, valid)) return;
  txn.set(id, valid);
}

function applyPatch(
  core: RoomCore,
  session: Session,
  txn: StoreTransaction,
  id: string,
  patch: ObjectDiff,
): void {
  const existing = txn.get(id);
  if (!existing) return;
  const clientSchema = session.profile.clientSchema;
  let next: UnknownRecord;
  if (clientSchema) {
    const down = migrateDown(core.schema, existing, clientSchema);
    const patched = patchRecord(down, patch);
    checkRecordDepth(core.limits, patched);
    next = migrateUp(core.schema, patched, clientSchema);
  } else {
    next = patchRecord(existing, patch);
    checkRecordDepth(core.limits, next);
  }
  if (next === existing) return;
  if (next.id !== existing.id || next.typeName !== existing.typeName) {
    throw invalid(`Patch of "${id}" changes its id or type`);
  }
  const valid = validateDocument(core.schema, next, existing);
  if (isUnchanged(existing, valid)) return;
  txn.set(id, valid);
}

function isUnchanged(before: UnknownRecord, after: UnknownRecord): boolean {
  return before === after || isEqual(before, after);
}

function invalid(message: string): SyncError {
  return new SyncError(CloseReason.INVALID_RECORD, message);
}
