/**
 * How long the room remembers deletions. A tombstone lets a client that was offline learn of a
 * deletion incrementally; without it the client must reload the whole document (`wipe_all`).
 * The policy keeps every deletion younger than `maxAgeMs` unless the room is over its count or
 * byte budget, which bounds memory even after a mass delete. When a budget is exceeded, the
 * oldest clock groups are dropped until the room is back under `trimTo` of that budget, so one
 * trim buys room for many more deletions instead of trimming on every delete.
 *
 * After a trim, the start of tombstone history moves to the clock of the oldest group kept (or
 * to the document clock when none is kept): a client whose `lastServerClock` is older than that
 * gets `wipe_all`, and never an incremental reply that silently misses a deletion.
 * @module
 */
import { DEFAULT_ROOM_LIMITS, type ResolvedRoomLimits } from "./room_limits.ts";
import type { TombstoneLedger } from "./tombstone_ledger.ts";

/** A trim brings an exceeded budget back down to this fraction of it. */
export const TRIM_TO_FRACTION = 0.8;

/** Tombstone budgets. */
export interface TombstoneRetention {
  /** Hard cap on tombstones held. */
  readonly maxCount: number;
  /** Cap on the approximate bytes tombstones hold (see `tombstoneBytes`). */
  readonly maxBytes: number;
  /** Deletions older than this (ms since their commit) are dropped at the next write. */
  readonly maxAgeMs: number;
  /** Fraction of an exceeded budget a trim brings the room back under. */
  readonly trimTo: number;
}

/** The policy set by a room's limits (`maxTombstones`, `maxTombstoneBytes`, `tombstoneMaxAgeMs`). */
export function retentionFromLimits(
  limits: Pick<ResolvedRoomLimits, "maxTombstones" | "maxTombstoneBytes" | "tombstoneMaxAgeMs">,
): TombstoneRetention {
  return {
    maxCount: limits.maxTombstones,
    maxBytes: limits.maxTombstoneBytes,
    maxAgeMs: limits.tombstoneMaxAgeMs,
    trimTo: TRIM_TO_FRACTION,
  };
}

/** The default policy: 5000 tombstones, 1 MiB, 30 days; trims go down to 80%. */
export const DEFAULT_TOMBSTONE_RETENTION: TombstoneRetention = Object.freeze(
  retentionFromLimits(DEFAULT_ROOM_LIMITS),
);

/** What a trim did: the ids dropped and the clock history now starts at. */
export interface TombstoneTrim {
  readonly droppedIds: string[];
  readonly historyStartsAt: number;
}

/**
 * Drop whole clock groups, oldest first, while the ledger breaks the policy at `now`.
 * Returns `null` when nothing was dropped.
 */
export function trimTombstones(
  ledger: TombstoneLedger,
  policy: TombstoneRetention,
  now: number,
  documentClock: number,
): TombstoneTrim | null {
  const countGoal = ledger.size > policy.maxCount
    ? Math.floor(policy.maxCount * policy.trimTo)
    : policy.maxCount;
  const bytesGoal = ledger.bytes > policy.maxBytes
    ? Math.floor(policy.maxBytes * policy.trimTo)
    : policy.maxBytes;
  const droppedIds: string[] = [];
  for (let oldest = ledger.oldest(); oldest; oldest = ledger.oldest()) {
    const tooOld = now - oldest.deletedAt > policy.maxAgeMs;
    if (!tooOld && ledger.size <= countGoal && ledger.bytes <= bytesGoal) break;
    for (const id of ledger.dropOldest()) droppedIds.push(id);
  }
  if (droppedIds.length === 0) return null;
  return { droppedIds, historyStartsAt: ledger.oldest()?.clock ?? documentClock };
}
