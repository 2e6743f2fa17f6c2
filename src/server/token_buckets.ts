/**
 * Token buckets per key (e.g. per client address). The map stays bounded: a bucket that has
 * refilled is the same as no bucket, so full buckets are swept whenever the map has doubled.
 * @module
 */
import type { TimeSource } from "../ports/time_source.ts";

interface Bucket {
  tokens: number;
  at: number;
}

/** `perMinute` tokens per minute sustained, `burst` at once, per key. */
export class TokenBuckets {
  #buckets = new Map<string, Bucket>();
  #perMs: number;
  #burst: number;
  #time: TimeSource;
  #sweepAt = 1024;

  /** Buckets that start full. */
  constructor(perMinute: number, burst: number, time: TimeSource) {
    this.#perMs = perMinute / 60_000;
    this.#burst = Math.max(1, burst);
    this.#time = time;
  }

  /** Take a token for `key`; on refusal, the ms until one is available. */
  take(key: string): { ok: true } | { ok: false; retryInMs: number } {
    const now = this.#time.now();
    const bucket = this.#buckets.get(key);
    const tokens = bucket ? this.#level(bucket, now) : this.#burst;
    if (tokens < 1) return { ok: false, retryInMs: Math.ceil((1 - tokens) / this.#perMs) };
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size >= this.#sweepAt) this.#sweep(now);
    return { ok: true };
  }

  /** Ms until `key` has a token (0: it has one now); takes nothing. */
  wait(key: string): number {
    const bucket = this.#buckets.get(key);
    const tokens = bucket ? this.#level(bucket, this.#time.now()) : this.#burst;
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.#perMs);
  }

  /** Keys holding a bucket that is not full (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  #level(bucket: Bucket, now: number): number {
    return Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs);
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (this.#level(bucket, now) >= this.#burst) this.#buckets.delete(key);
    }
    this.#sweepAt = Math.max(1024, this.#buckets.size * 2);
  }
}
