/**
 * Per-client-address request rate limits for the upload and unfurl routes: a token bucket per
 * address, in a map of bounded size (the least recently used address is forgotten first).
 * @module
 */
import { systemTime, type TimeSource } from "../../ports/time_source.ts";
import { RateLimiter } from "../rate_limiter.ts";
import { jsonError } from "./_http.ts";

/** Requests per minute per client address, and how many may come at once. */
export interface AddressRateLimit {
  /** Sustained requests per minute. */
  perMinute: number;
  /** Requests allowed at once (the bucket size). */
  burst: number;
}

/** The client address of a request (e.g. from the runtime's connection info); `undefined`: unknown. */
export type ClientAddress = (req: Request) => string | undefined;

/** Addresses remembered at once; past it the least recently seen is dropped. */
export const MAX_TRACKED_ADDRESSES = 10_000;

/** Buckets per address. Requests whose address is unknown are not limited here. */
export class AddressLimiter {
  #limit: AddressRateLimit;
  #time: TimeSource;
  #buckets = new Map<string, RateLimiter>();

  /** Limit each address to `limit`. */
  constructor(limit: AddressRateLimit, time: TimeSource = systemTime) {
    this.#limit = limit;
    this.#time = time;
  }

  /** Take one request of `address`; `false` when its bucket is empty. */
  take(address: string | undefined): boolean {
    if (address === undefined) return true;
    let bucket = this.#buckets.get(address);
    if (bucket) this.#buckets.delete(address); // Re-inserted below: most recent last.
    else {
      bucket = new RateLimiter(this.#limit.perMinute / 60, this.#limit.burst, this.#time);
      if (this.#buckets.size >= MAX_TRACKED_ADDRESSES) {
        this.#buckets.delete(this.#buckets.keys().next().value!);
      }
    }
    this.#buckets.set(address, bucket);
    return bucket.take();
  }

  /** 429 with a Retry-After, or `null` when `req` may go on. */
  check(req: Request, clientAddress: ClientAddress | undefined): Response | null {
    if (this.take(clientAddress?.(req))) return null;
    const response = jsonError(429, "Too many requests from this address; retry later");
    response.headers.set("retry-after", String(Math.ceil(60 / this.#limit.perMinute)));
    return response;
  }
}
