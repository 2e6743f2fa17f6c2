/**
 * How much history a room keeps: every commit of the last `fullMs`, then one checkpoint per
 * hour until `hourlyMs`, then one per day until `retentionMs`, within `maxBytes` per room
 * (whichever bound is smaller wins). The one home of these defaults and their ceilings.
 * @module
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** History bounds (all optional; see {@linkcode DEFAULT_HISTORY_POLICY}). */
export interface HistoryPolicy {
  /** Every commit younger than this is a restore point (ms). Default 24 h. */
  fullMs?: number;
  /**
   * Commits of one room in the same window of this many ms may be kept as one restore point (the
   * state after the last; their authors together), so a busy room writes about one history
   * entry per window, not one per commit. 0: every commit its own point. Default 1 s.
   */
  resolutionMs?: number;
  /** Older checkpoints are hourly until this age, then daily (ms). Default 7 days. */
  hourlyMs?: number;
  /** Nothing older than this is kept, but the newest point always is (ms). Default 30 days. */
  retentionMs?: number;
  /** Bytes of history per room (entries + checkpoints). Default 64 MiB. */
  maxBytes?: number;
  /** Delay between a commit and the background pruning pass it schedules (ms). Default 30 s. */
  passDelayMs?: number;
  /** Checkpoints one pruning pass may write; more work schedules another pass. Default 4. */
  checkpointsPerPass?: number;
}

/** A policy with every bound set. */
export type ResolvedHistoryPolicy = Required<HistoryPolicy>;

/** The defaults. */
export const DEFAULT_HISTORY_POLICY: ResolvedHistoryPolicy = {
  fullMs: 24 * HOUR,
  resolutionMs: 1000,
  hourlyMs: 7 * DAY,
  retentionMs: 30 * DAY,
  maxBytes: 64 * 1024 * 1024,
  passDelayMs: 30_000,
  checkpointsPerPass: 4,
};

/** The largest accepted values (larger ones are clamped). */
export const HISTORY_POLICY_CEILINGS: ResolvedHistoryPolicy = {
  fullMs: 30 * DAY,
  resolutionMs: HOUR,
  hourlyMs: 366 * DAY,
  retentionMs: 366 * DAY,
  maxBytes: 16 * 1024 * 1024 * 1024,
  passDelayMs: HOUR,
  checkpointsPerPass: 100,
};

/** Fill defaults, clamp to the ceilings, and keep `fullMs` <= `hourlyMs` <= `retentionMs`. */
export function resolveHistoryPolicy(policy: HistoryPolicy = {}): ResolvedHistoryPolicy {
  const out = { ...DEFAULT_HISTORY_POLICY };
  for (const key of Object.keys(out) as (keyof ResolvedHistoryPolicy)[]) {
    const value = policy[key];
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) {
      out[key] = Math.min(value, HISTORY_POLICY_CEILINGS[key]);
    }
  }
  out.checkpointsPerPass = Math.max(1, Math.floor(out.checkpointsPerPass));
  out.fullMs = Math.min(out.fullMs, out.retentionMs);
  out.hourlyMs = Math.min(Math.max(out.hourlyMs, out.fullMs), out.retentionMs);
  return out;
}

/**
 * The thinning bucket of a point committed at `time`, seen at `now`: `null` inside the full
 * window (kept as is), else its hour or its day. Points of one bucket collapse to the newest.
 */
export function bucketOf(time: number, now: number, policy: ResolvedHistoryPolicy): string | null {
  const age = now - time;
  if (age < policy.fullMs) return null;
  if (age < policy.hourlyMs) return `h${Math.floor(time / HOUR)}`;
  return `d${Math.floor(time / DAY)}`;
}
