/**
 * A push: apply presence and document ops in one transaction (all or nothing), answer with
 * exactly one push_result, broadcast the effective change, and hand it to storage.
 * @module
 */
import isEqual from "fast-deep-equal";
import type { NetworkDiff } from "../diff/network_diff.ts";
import type { RecordChange } from "../diff/record_change.ts";
import { CloseReason } from "../protocol/close_reason.ts";
import type { PushResultAction, TLPushRequest } from "../protocol/messages.ts";
import { SyncError } from "../protocol/sync_error.ts";
import { isWellFormedText } from "../protocol/utf8_length.ts";
import { changesToNetworkDiff } from "../schema/migrate_diff.ts";
import { migrateDown } from "../schema/migrate_record.ts";
import { applyRecordOp } from "./apply_ops.ts";
import { applyPresence } from "./apply_presence.ts";
import { logEnabled } from "../ports/logger.ts";
import { isCurrent, type RoomCore } from "./room_core.ts";
import type { Session } from "./session.ts";
import {
  checkPushShapeLimits,
  checkRoomGrowth,
  discardPush,
  measureRecords,
} from "./push_limits.ts";
import { isLimitExceeded } from "./room_limits.ts";
import { broadcastOrRefuse } from "./session_exits.ts";
import { StoreTransaction } from "./store_transaction.ts";

/** Handle a `push` message from `session`. */
export function handlePush(core: RoomCore, session: Session, message: TLPushRequest): void {
  if (!session.isLive) return; // pushes before the handshake get no reply
  const started = core.time.now();
  session.markSeen(started);
  assertPushShape(message);
  let staged: StagedPush;
  try {
    staged = stagePush(core, session, message);
  } catch (error) {
    if (error instanceof SyncError && isLimitExceeded(error.reason)) {
      return discardPush(core, session, message, error);
    }
    throw error;
  }
  const { txn, presence, measured } = staged;
  const committed = txn.commit();
  const docChanges = committed.changes;
  core.size.apply(docChanges, measured);
  if (docChanges.size > 0) {
    core.commits.record(docChanges.keys(), committed.prunedTombstones, session.identity?.userId);
  }
  if (presence) core.presence.set(session.presenceId!, presence.after!);
  const clock = committed.documentClock;

  const action = pushAction(core, session, message.diff, docChanges);
  const result = JSON.stringify({
    type: "push_result",
    clientClock: message.clientClock,
    serverClock: clock,
    action,
  });
  core.gate.run(clock, (released) => {
    if (isCurrent(core, session) && session.isLive) session.outbox.sendData(result, released);
  });

  const changed = docChanges.size;
  if (presence) docChanges.set(session.presenceId!, presence);
  broadcastOrRefuse(core, docChanges, clock, session);
  if (logEnabled(core.logger, "debug")) {
    core.logger.debug("push", {
      roomId: core.roomId,
      sessionId: session.sessionId,
      clientClock: message.clientClock,
      clock,
      ops: message.diff ? Object.keys(message.diff).length : 0,
      changed,
      presence: !!presence,
      action: typeof action === "string" ? action : "rebase",
      ms: core.time.now() - started,
    });
  }
}

interface StagedPush {
  txn: StoreTransaction;
  presence: RecordChange | null;
  measured: Map<string, number>;
}

/** Apply the push in a transaction and check the caps; on any throw nothing was applied. */
function stagePush(core: RoomCore, session: Session, message: TLPushRequest): StagedPush {
  checkPushShapeLimits(core.limits, message);
  const txn = new StoreTransaction(core.store);
  try {
    const presence = applyPresence(core, session, message.presence);
    if (message.diff && !session.isReadonly) {
      for (const id in message.diff) {
        if (!Object.hasOwn(message.diff, id)) continue;
        applyRecordOp(core, session, txn, id, message.diff[id]!);
      }
    }
    const measured = measureRecords(core.limits, txn.changes, presence);
    checkRoomGrowth(core, txn.changes, measured);
    return { txn, presence, measured };
  } catch (error) {
    txn.rollback();
    throw error;
  }
}

/**
 * commit when the applied diff equals the request, discard when nothing applied, else rebase.
 * A put that changed an existing record is answered with a put of the stored record (upstream
 * sends a patch): a client whose speculative state was "created" would otherwise drop the
 * record when it undoes that speculation and the patch then finds nothing to apply to.
 */
function pushAction(
  core: RoomCore,
  session: Session,
  requested: NetworkDiff | undefined,
  changes: Map<string, RecordChange>,
): PushResultAction {
  const { appendOps, clientSchema, diffTarget } = session.profile;
  const applied = changes.size > 0
    ? changesToNetworkDiff(core.schema, changes, { legacyAppend: !appendOps })
    : null;
  if (!applied) return requested ? "discard" : "commit";
  if (requested && isEqual(applied, requested)) return "commit";
  const rebase = clientSchema
    ? changesToNetworkDiff(core.schema, changes, diffTarget) ?? {}
    : applied;
  for (const [id, change] of changes) {
    if (change.before && change.after && requested?.[id]?.[0] === "put") {
      const record = clientSchema
        ? migrateDown(core.schema, change.after, clientSchema)
        : change.after;
      rebase[id] = ["put", record];
    }
  }
  return { rebaseWithDiff: rebase };
}

function assertPushShape(message: TLPushRequest): void {
  if (typeof message.clientClock !== "number") {
    throw new SyncError(CloseReason.UNKNOWN_ERROR, "Push has no numeric clientClock");
  }
  const diff: unknown = message.diff;
  if (diff === undefined || diff === null) return;
  if (typeof diff !== "object" || Array.isArray(diff)) {
    throw new SyncError(CloseReason.UNKNOWN_ERROR, "Push diff is not an object");
  }
  for (const id in diff) {
    if (!Object.hasOwn(diff, id)) continue;
    const op: unknown = (diff as Record<string, unknown>)[id];
    if (!isWellFormedText(id)) {
      throw new SyncError(CloseReason.INVALID_RECORD, "Push diff has an id with a lone surrogate");
    }
    if (!Array.isArray(op) || typeof op[0] !== "string") {
      throw new SyncError(CloseReason.INVALID_RECORD, "Push diff has a malformed op");
    }
    if (op[0] === "patch" && (typeof op[1] !== "object" || op[1] === null)) {
      throw new SyncError(CloseReason.INVALID_RECORD, "Push patch is not an object");
    }
  }
}
