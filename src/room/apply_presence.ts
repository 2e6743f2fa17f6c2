/**
 * Apply a pushed presence op. Presence lives in memory only, never moves the document clock,
 * and always carries the session's own presence id and type.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import isEqual from "fast-deep-equal";
import { patchRecord } from "./patch_record.ts";
import type { RecordChange } from "../diff/record_change.ts";
import { CloseReason } from "../protocol/close_reason.ts";
import type { PresenceOp } from "../protocol/messages.ts";
import { SyncError } from "../protocol/sync_error.ts";
import { migrateDown, migrateUp } from "../schema/migrate_record.ts";
import type { RoomCore } from "./room_core.ts";
import { checkRecordDepth } from "./push_limits.ts";
import type { Session, SessionIdentity } from "./session.ts";
import { validateWith } from "./validate_record.ts";

/** Compute the presence change a push asks for (not yet applied), or `null`. */
export function applyPresence(
  core: RoomCore,
  session: Session,
  op: PresenceOp | undefined,
): RecordChange | null {
  const type = core.presenceType;
  const presenceId = session.presenceId;
  if (!op || !type || !presenceId) return null;
  if (!Array.isArray(op)) throw invalid("Presence op is not an array");
  const before = core.presence.get(presenceId);
  const clientSchema = session.profile.clientSchema;
  let next: UnknownRecord;
  if (op[0] === "put") {
    if (typeof op[1] !== "object" || op[1] === null) throw invalid("Presence put is not a record");
    next = forceIdentity(op[1], presenceId, type.typeName);
    if (clientSchema) next = migrateUp(core.schema, next, clientSchema);
  } else if (op[0] === "patch") {
    if (!before) return null;
    if (clientSchema) {
      const down = migrateDown(core.schema, before, clientSchema);
      const patched = patchRecord(down, op[1]);
      checkRecordDepth(core.limits, patched);
      next = migrateUp(core.schema, patched, clientSchema);
    } else {
      next = patchRecord(before, op[1]);
      checkRecordDepth(core.limits, next);
    }
    next = forceIdentity(next, presenceId, type.typeName);
  } else {
    throw invalid("Unknown presence op");
  }
  const valid = validateWith(type, withOwner(next, session.identity), before);
  if (before && (before === valid || isEqual(before, valid))) return null;
  return { before, after: valid };
}

/** The session's authorized user owns its presence: `userId` (and `userName`) are rewritten. */
function withOwner(record: UnknownRecord, identity: SessionIdentity | undefined): UnknownRecord {
  if (!identity) return record;
  const r = record as UnknownRecord & { userId?: unknown; userName?: unknown };
  const userName = identity.userName ?? r.userName;
  if (r.userId === identity.userId && r.userName === userName) return record;
  return { ...record, userId: identity.userId, userName } as UnknownRecord;
}

function forceIdentity(record: UnknownRecord, id: string, typeName: string): UnknownRecord {
  if (record.id === id && record.typeName === typeName) return record;
  return { ...record, id, typeName } as UnknownRecord;
}

function invalid(message: string): SyncError {
  return new SyncError(CloseReason.INVALID_RECORD, message);
}
