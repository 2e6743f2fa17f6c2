/**
 * When a room's log is checkpointed (its changes written to the document keys and the head moved
 * past them): the one home of the thresholds. Appends are the durable, acknowledged write; a
 * checkpoint runs in the background once the log after the head holds `maxEntries` entries or
 * `maxBytes` bytes, or its oldest entry is `maxAgeMs` old, and when the room closes. The
 * thresholds bound what a load replays.
 * @module
 */
import type { RoomDelta } from "./kv_room_delta.ts";

/** Checkpoint thresholds. */
export interface CheckpointPolicy {
  /** Entries after the head that start a checkpoint. */
  maxEntries: number;
  /** Bytes of entries after the head that start a checkpoint. */
  maxBytes: number;
  /** Age (ms) of the oldest entry after the head that starts a checkpoint. */
  maxAgeMs: number;
}

/**
 * Defaults (see the notes on how they were measured). The age was 2 s until the rooms' commits
 * were gathered on a ticker: with 100 rooms × 5 clients at 2,000 pushes/s a room then reaches 64
 * entries only after ~14 s, and 2 s → 10 s cut CPU per acknowledged push by 15% (Deno) and 10%
 * (Bun) (fewer, larger checkpoints; BENCHMARKS.md). A load replays at most `maxEntries` either way.
 */
export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  maxEntries: 64,
  maxBytes: 256 * 1024,
  maxAgeMs: 10_000,
} as const;

/** Largest value accepted for each threshold (larger ones are clamped). */
export const CHECKPOINT_POLICY_CEILINGS: CheckpointPolicy = {
  maxEntries: 100_000,
  maxBytes: 1024 * 1024 * 1024,
  maxAgeMs: 24 * 3600_000,
} as const;

/** `partial` over the defaults, each value clamped to [1, ceiling]. */
export function resolveCheckpointPolicy(partial: Partial<CheckpointPolicy> = {}): CheckpointPolicy {
  const out = { ...DEFAULT_CHECKPOINT_POLICY };
  for (const k of Object.keys(out) as (keyof CheckpointPolicy)[]) {
    const v = partial[k];
    if (typeof v === "number" && Number.isFinite(v)) {
      out[k] = Math.min(Math.max(1, Math.floor(v)), CHECKPOINT_POLICY_CEILINGS[k]);
    }
  }
  return out;
}

/** Whether `delta` is over the count or byte threshold (age is a timer's job). */
export function checkpointDue(delta: RoomDelta, policy: CheckpointPolicy): boolean {
  return delta.entries.length >= policy.maxEntries || delta.bytes >= policy.maxBytes;
}
