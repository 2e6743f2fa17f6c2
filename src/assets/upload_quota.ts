/**
 * Per-room upload byte quotas: a ledger of bytes used per bucket (a room id, or `""` for uploads
 * not attributed to a room). An upload reserves bytes under its own hold as they arrive, before
 * they are written, so concurrent uploads can never squeeze past the cap together; when it ends it
 * settles the hold, keeping what it stored. A hold carries an expiry, so one whose upload died
 * without settling (a crash, a restart) stops counting by itself.
 * @module
 */

/** One upload's reservation: bytes held until it settles or `expiresAt` passes. */
export interface QuotaHold {
  /** Unique per upload. */
  readonly id: string;
  /** Wall time in ms after which the hold no longer counts (its upload cannot still be running). */
  readonly expiresAt: number;
}

/** Bytes used per bucket: stored uploads plus the holds of uploads in progress. */
export interface QuotaLedger {
  /**
   * Add `bytes` to `hold` in `bucket` if the bucket's use stays within `limit`: all or nothing.
   * Returns the bytes granted (`bytes` or 0) and the use before.
   */
  reserve(bucket: string, bytes: number, limit: number, hold: QuotaHold): Promise<QuotaGrant>;
  /** End `hold`: `kept` of its bytes now belong to a stored asset for good, the rest are freed. */
  settle(bucket: string, hold: QuotaHold, kept: number): Promise<void>;
  /** Bytes counted in `bucket`: stored, plus held by live holds. */
  used(bucket: string): Promise<number>;
}

/** The answer of {@linkcode QuotaLedger.reserve}. */
export interface QuotaGrant {
  /** Bytes reserved now (0: they do not fit). */
  granted: number;
  /** Bytes the bucket held before this reservation. */
  used: number;
}

/** Options of {@linkcode MemoryQuotaLedger}. */
export interface MemoryQuotaLedgerOptions {
  /** Wall time in ms, to expire holds. Default `Date.now`. */
  now?: () => number;
}

interface MemoryHold {
  bytes: number;
  expiresAt: number;
}

/** A ledger in memory (lost on restart, like the memory asset store it goes with). */
export class MemoryQuotaLedger implements QuotaLedger {
  #stored = new Map<string, number>();
  #holds = new Map<string, Map<string, MemoryHold>>();
  #now: () => number;

  /** An empty ledger. */
  constructor(options: MemoryQuotaLedgerOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** See {@linkcode QuotaLedger.reserve}. */
  reserve(bucket: string, bytes: number, limit: number, hold: QuotaHold): Promise<QuotaGrant> {
    const used = this.#used(bucket);
    if (bytes <= 0 || used + bytes > limit) return Promise.resolve({ granted: 0, used });
    const holds = this.#holds.get(bucket) ?? new Map<string, MemoryHold>();
    const own = holds.get(hold.id)?.bytes ?? 0;
    holds.set(hold.id, { bytes: own + bytes, expiresAt: hold.expiresAt });
    this.#holds.set(bucket, holds);
    return Promise.resolve({ granted: bytes, used });
  }

  /** See {@linkcode QuotaLedger.settle}. */
  settle(bucket: string, hold: QuotaHold, kept: number): Promise<void> {
    const holds = this.#holds.get(bucket);
    holds?.delete(hold.id);
    if (holds?.size === 0) this.#holds.delete(bucket);
    if (kept > 0) this.#stored.set(bucket, (this.#stored.get(bucket) ?? 0) + kept);
    return Promise.resolve();
  }

  /** See {@linkcode QuotaLedger.used}. */
  used(bucket: string): Promise<number> {
    return Promise.resolve(this.#used(bucket));
  }

  #used(bucket: string): number {
    const now = this.#now();
    let used = this.#stored.get(bucket) ?? 0;
    const holds = this.#holds.get(bucket);
    for (const [id, hold] of holds ?? []) {
      if (hold.expiresAt > now) used += hold.bytes;
      else holds!.delete(id);
    }
    return used;
  }
}
