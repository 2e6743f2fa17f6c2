/**
 * Which tombstones to drop when there are too many, without ever splitting a clock value.
 * @module
 */
import { MAX_TOMBSTONES, TOMBSTONE_PRUNE_BUFFER_SIZE } from "../protocol/version.ts";

/** The outcome of a prune: ids to drop and the new start of tombstone history. */
export interface TombstonePruning {
  idsToDelete: string[];
  newTombstoneHistoryStartsAtClock: number;
}

/**
 * Decide which tombstones to prune. Returns `null` when there are at most `maxTombstones`.
 * Tombstones sharing a clock are dropped together, and history then starts at the clock of the
 * oldest tombstone kept (or at `documentClock` when none is kept).
 */
export function computeTombstonePruning(
  tombstones: Map<string, number>,
  documentClock: number,
  maxTombstones: number = MAX_TOMBSTONES,
  pruneBufferSize: number = TOMBSTONE_PRUNE_BUFFER_SIZE,
): TombstonePruning | null {
  if (tombstones.size <= maxTombstones) return null;
  const sorted = [...tombstones].sort((a, b) => a[1] - b[1]);
  let cutoff = Math.min(pruneBufferSize + sorted.length - maxTombstones, sorted.length);
  while (cutoff < sorted.length && sorted[cutoff - 1]![1] === sorted[cutoff]![1]) cutoff++;
  return {
    idsToDelete: sorted.slice(0, cutoff).map(([id]) => id),
    newTombstoneHistoryStartsAtClock: sorted[cutoff]?.[1] ?? documentClock,
  };
}
