/**
 * Reading a room's lease without taking it: who serves the room, and until when.
 * @module
 */
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import { parseLease } from "../storage/kv/kv_lease.ts";
import { retryLocked } from "../storage/kv/lock_retry_kv.ts";

/** A lease as stored by `storage/kv/kv_lease.ts`. */
export interface LeaseState {
  owner: string;
  expiresAt: number;
}

/**
 * The lease at `key`, or `null` when none is stored (or it is unreadable, including one expiring
 * implausibly far after `now`: it binds no one).
 */
export async function readLease(kv: KvLike, key: KvKey, now: number): Promise<LeaseState | null> {
  const entry = await retryLocked(() => kv.get<Uint8Array>(key));
  return parseLease(entry.value, now);
}

/** True when `lease` belongs to someone other than `self` and has not expired at `now`. */
export function heldByOther(lease: LeaseState | null, self: string, now: number): boolean {
  return lease !== null && lease.owner !== self && lease.expiresAt > now;
}
