/**
 * Per-room upload byte quotas: a ledger of bytes used per bucket (a room id, or `""` for uploads
 * not attributed to a room). Space is reserved before an upload is written and the unused part
 * released after, so two concurrent uploads can never both squeeze under the cap.
 * @module
 */

/** Bytes used per bucket, with reserve-then-release accounting. */
export interface QuotaLedger {
  /**
   * Reserve up to `bytes` in `bucket` without passing `limit`: returns how many bytes were
   * granted (`min(bytes, limit - used)`, 0 when the bucket is full) and the use before.
   */
  reserve(bucket: string, bytes: number, limit: number): Promise<QuotaGrant>;
  /** Give back `bytes` reserved earlier in `bucket` (never below 0). */
  release(bucket: string, bytes: number): Promise<void>;
  /** Bytes currently counted in `bucket`. */
  used(bucket: string): Promise<number>;
}

/** The answer of {@linkcode QuotaLedger.reserve}. */
export interface QuotaGrant {
  /** Bytes reserved now (0: nothing left). */
  granted: number;
  /** Bytes the bucket held before this reservation. */
  used: number;
}

/** A ledger in memory (lost on restart, like the memory asset store it goes with). */
export class MemoryQuotaLedger implements QuotaLedger {
  #used = new Map<string, number>();

  /** See {@linkcode QuotaLedger.reserve}. */
  reserve(bucket: string, bytes: number, limit: number): Promise<QuotaGrant> {
    const used = this.#used.get(bucket) ?? 0;
    const granted = Math.max(0, Math.min(bytes, limit - used));
    if (granted > 0) this.#used.set(bucket, used + granted);
    return Promise.resolve({ granted, used });
  }

  /** See {@linkcode QuotaLedger.release}. */
  release(bucket: string, bytes: number): Promise<void> {
    const left = Math.max(0, (this.#used.get(bucket) ?? 0) - bytes);
    if (left === 0) this.#used.delete(bucket);
    else this.#used.set(bucket, left);
    return Promise.resolve();
  }

  /** See {@linkcode QuotaLedger.used}. */
  used(bucket: string): Promise<number> {
    return Promise.resolve(this.#used.get(bucket) ?? 0);
  }
}
