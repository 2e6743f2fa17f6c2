/**
 * Delete lease keys that expired (owners that died, or releases that failed), a bounded number
 * of keys per pass. Each deletion checks the key is unchanged, so a lease renewed meanwhile stays.
 * @module
 */
import type { KvKey, KvLike } from "./kv_like.ts";
import { parseLease } from "./kv_lease.ts";

/** Options of {@linkcode LeaseSweeper}. */
export interface LeaseSweepOptions {
  /** Wall time (the clock leases are written with). */
  now: () => number;
  /** Keys read per pass at most. Default 1000. */
  maxKeys?: number;
  /** A lease must have expired this many ms ago to be deleted. Default 60000. */
  graceMs?: number;
}

/** Sweeps the lease keys under one prefix, resuming where the previous pass stopped. */
export class LeaseSweeper {
  #kv: KvLike;
  #prefix: KvKey;
  #options: LeaseSweepOptions;
  #resumeAt: KvKey | undefined;

  /** Sweep the leases under `prefix`. */
  constructor(kv: KvLike, prefix: KvKey, options: LeaseSweepOptions) {
    this.#kv = kv;
    this.#prefix = prefix;
    this.#options = options;
  }

  /** One pass over at most `maxKeys` lease keys; returns how many were deleted. */
  async sweep(): Promise<number> {
    const maxKeys = this.#options.maxKeys ?? 1000;
    const cutoff = this.#options.now() - (this.#options.graceMs ?? 60_000);
    const selector = this.#resumeAt
      ? { prefix: this.#prefix, start: this.#resumeAt }
      : { prefix: this.#prefix };
    let seen = 0, deleted = 0;
    let last: KvKey | undefined;
    for await (const entry of this.#kv.list<Uint8Array>(selector, { limit: maxKeys })) {
      seen++;
      last = entry.key;
      const lease = parseLease(entry.value, this.#options.now());
      if (lease && lease.expiresAt > cutoff) continue;
      const result = await this.#kv.atomic()
        .check({ key: entry.key, versionstamp: entry.versionstamp })
        .delete(entry.key).commit();
      if (result.ok) deleted++;
    }
    this.#resumeAt = seen >= maxKeys ? last : undefined;
    return deleted;
  }
}
