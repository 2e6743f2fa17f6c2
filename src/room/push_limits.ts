/**
 * The record and room caps applied to a push: ids and nesting before anything is applied
 * (so no validator, migration or diff recursion sees a 10,000-level value), sizes of the
 * resulting records and of the room before anything is committed. A push over a cap is
 * answered with `discard` (the stock client reverts it and keeps working); nothing of it is
 * stored or broadcast.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import type { RecordChange } from "../diff/record_change.ts";
import type { TLPushRequest } from "../protocol/messages.ts";
import { SyncError } from "../protocol/sync_error.ts";
import { CloseReason } from "../protocol/close_reason.ts";
import { utf8Length } from "../protocol/utf8_length.ts";
import { ShapeFault, shapeFault } from "./record_depth.ts";
import { LimitExceeded, type ResolvedRoomLimits } from "./room_limits.ts";
import { isCurrent, type RoomCore } from "./room_core.ts";
import { recordBytes } from "./room_size.ts";
import type { Session } from "./session.ts";

/**
 * Throw a limit SyncError for an over-long id or an over-deep put, patch or presence op (an
 * `INVALID_RECORD` one for a non-finite number in it).
 */
export function checkPushShapeLimits(limits: ResolvedRoomLimits, message: TLPushRequest): void {
  const diff = message.diff;
  if (diff) {
    for (const id in diff) {
      if (!Object.hasOwn(diff, id)) continue;
      if (id.length * 3 > limits.maxRecordIdBytes && utf8Length(id) > limits.maxRecordIdBytes) {
        throw new SyncError(
          LimitExceeded.ID_TOO_LONG,
          `Record id of ${utf8Length(id)} bytes is over ${limits.maxRecordIdBytes}`,
        );
      }
      checkOpDepth(limits, diff[id]![0], diff[id]![1]);
    }
  }
  if (Array.isArray(message.presence)) {
    checkOpDepth(limits, message.presence[0], message.presence[1]);
  }
}

/** Throw a limit SyncError for a host-written record whose id or nesting is over the caps. */
export function checkRecordShape(limits: ResolvedRoomLimits, record: UnknownRecord): void {
  if (typeof record.id === "string" && utf8Length(record.id) > limits.maxRecordIdBytes) {
    throw new SyncError(
      LimitExceeded.ID_TOO_LONG,
      `Record id of ${utf8Length(record.id)} bytes is over ${limits.maxRecordIdBytes}`,
    );
  }
  checkRecordDepth(limits, record);
}

/**
 * Throw a limit SyncError when `record` (e.g. the result of a patch) nests too deep, an
 * `INVALID_RECORD` one when it holds a non-finite number.
 */
export function checkRecordDepth(limits: ResolvedRoomLimits, record: UnknownRecord): void {
  throwFault(limits, shapeFault(record, limits.maxRecordDepth), record.id);
}

/** Measure the records a push would store; throw when one is over `maxRecordBytes`. */
export function measureRecords(
  limits: ResolvedRoomLimits,
  changes: ReadonlyMap<string, RecordChange>,
  presence: RecordChange | null,
): Map<string, number> {
  const measured = new Map<string, number>();
  for (const [id, change] of changes) {
    if (change.after) measured.set(id, checkedBytes(limits, change.after));
  }
  if (presence?.after) checkedBytes(limits, presence.after);
  return measured;
}

/** Throw when committing `changes` would grow the room past `maxRoomBytes`. */
export function checkRoomGrowth(
  core: RoomCore,
  changes: ReadonlyMap<string, RecordChange>,
  measured: ReadonlyMap<string, number>,
): void {
  const growth = core.size.growth(changes, measured);
  const max = core.limits.maxRoomBytes;
  if (growth > 0 && core.size.total + growth > max) {
    throw new SyncError(
      LimitExceeded.ROOM_TOO_LARGE,
      `Room would grow to ${core.size.total + growth} bytes, over ${max}`,
    );
  }
}

/** Answer a push refused for a cap: log, count, and send `discard`; nothing was applied. */
export function discardPush(
  core: RoomCore,
  session: Session,
  message: TLPushRequest,
  error: SyncError,
): void {
  core.logger.warn("push_rejected", {
    roomId: core.roomId,
    sessionId: session.sessionId,
    reason: error.reason,
    error: error.message,
  });
  core.onPushRejected(session.sessionId, error.reason);
  const clock = core.store.documentClock;
  const result = JSON.stringify({
    type: "push_result",
    clientClock: message.clientClock,
    serverClock: clock,
    action: "discard",
  });
  core.gate.run(clock, (released) => {
    if (isCurrent(core, session) && session.isLive) session.outbox.sendData(result, released);
  });
}

function checkOpDepth(limits: ResolvedRoomLimits, kind: unknown, value: unknown): void {
  // A record nested n levels deep is patched by an ObjectDiff about 2n levels deep
  // ({key: ["patch", {…}]}); the patched result is checked against the record cap.
  const max = kind === "patch" ? 2 * limits.maxRecordDepth + 1 : limits.maxRecordDepth;
  throwFault(limits, shapeFault(value, max), idOf(value));
}

function throwFault(limits: ResolvedRoomLimits, fault: ShapeFault | null, id: string): void {
  if (fault === ShapeFault.TOO_DEEP) throw tooDeep(limits, id);
  if (fault === ShapeFault.NOT_FINITE) {
    throw new SyncError(
      CloseReason.INVALID_RECORD,
      `Record "${shortId(id)}" holds a number JSON cannot carry (Infinity or NaN)`,
    );
  }
}

function checkedBytes(limits: ResolvedRoomLimits, record: UnknownRecord): number {
  const bytes = recordBytes(record);
  if (bytes > limits.maxRecordBytes) {
    throw new SyncError(
      LimitExceeded.RECORD_TOO_LARGE,
      `Record "${shortId(record.id)}" of ${bytes} bytes is over ${limits.maxRecordBytes}`,
    );
  }
  return bytes;
}

function tooDeep(limits: ResolvedRoomLimits, id: string): SyncError {
  return new SyncError(
    LimitExceeded.RECORD_TOO_DEEP,
    `Record "${shortId(id)}" nests deeper than ${limits.maxRecordDepth} levels`,
  );
}

function idOf(value: unknown): string {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id : "";
}

function shortId(id: string): string {
  return id.length > 64 ? `${id.slice(0, 64)}…` : id;
}
