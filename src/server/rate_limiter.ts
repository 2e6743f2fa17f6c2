/**
 * A token bucket: `ratePerSecond` sustained, `burst` at once.
 * @module
 */
import type { TimeSource } from "../ports/time_source.ts";

/** Per-connection message rate limit. */
export class RateLimiter {
  #tokens: number;
  #last: number;
  #rate: number;
  #burst: number;
  #time: TimeSource;

  /** A full bucket. */
  constructor(ratePerSecond: number, burst: number, time: TimeSource) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#time = time;
    this.#last = time.now();
  }

  /** Take one token; `false` when the bucket is empty. */
  take(): boolean {
    const now = this.#time.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
