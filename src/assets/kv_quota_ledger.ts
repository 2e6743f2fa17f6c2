/**
 * The upload quota ledger in Deno KV, beside the assets, so it survives restarts and is shared by
 * every process on the same KV.
 *
 * Keys: `[...prefix, bucket]` holds the bytes of stored uploads (a bare number, as before holds
 * existed, so older data loads unchanged); `[...prefix, bucket, "hold", id]` holds one upload in
 * progress (`{ bytes, expiresAt }`, written with a matching `expireIn`). A bucket's use is the
 * stored bytes plus its unexpired holds, so a hold whose upload died (kill -9, a restart) stops
 * counting once it expires, even if nothing ever deletes it. Every change that can raise the use
 * rewrites the stored-bytes key under a check of the version it read, so reservations of one
 * bucket are serialised across processes and the cap stays exact.
 * @module
 */
import { decodeValue, encodeJson } from "../storage/kv/kv_codec.ts";
import type { KvAtomicLike, KvKey, KvLike } from "../storage/kv/kv_like.ts";
import type { QuotaGrant, QuotaHold, QuotaLedger } from "./upload_quota.ts";

/** Attempts of one read-check-write before giving up (only under heavy contention). */
const MAX_ATTEMPTS = 32;

/** Expired holds deleted per reservation (well within one atomic's mutation budget). */
const EXPIRED_DELETES_PER_WRITE = 64;

/** The key part between a bucket's key and a hold id. */
const HOLD = "hold";

/** Options of {@linkcode KvQuotaLedger}. */
export interface KvQuotaLedgerOptions {
  /** Wall time in ms, to expire holds. Default `Date.now`. */
  now?: () => number;
}

interface StoredHold {
  key: KvKey;
  id: string;
  bytes: number;
  expiresAt: number;
}

interface BucketState {
  stored: number;
  versionstamp: string | null;
  live: StoredHold[];
  expired: StoredHold[];
}

const decoder = new TextDecoder();

/** Keeps per-bucket stored bytes and upload holds under `prefix` (UTF-8 JSON values). */
export class KvQuotaLedger implements QuotaLedger {
  #kv: KvLike;
  #prefix: KvKey;
  #now: () => number;

  /** A ledger under `prefix` on `kv`. */
  constructor(kv: KvLike, prefix: KvKey, options: KvQuotaLedgerOptions = {}) {
    this.#kv = kv;
    this.#prefix = prefix;
    this.#now = options.now ?? Date.now;
  }

  /** See {@linkcode QuotaLedger.reserve}. */
  async reserve(
    bucket: string,
    bytes: number,
    limit: number,
    hold: QuotaHold,
  ): Promise<QuotaGrant> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = await this.#read(bucket);
      const used = state.stored + sum(state.live);
      if (bytes <= 0 || used + bytes > limit) return { granted: 0, used };
      const own = state.live.find((h) => h.id === hold.id)?.bytes ?? 0;
      const op = this.#bump(bucket, state, state.stored).set(
        this.#holdKey(bucket, hold.id),
        encodeJson({ bytes: own + bytes, expiresAt: hold.expiresAt }),
        { expireIn: Math.max(1, hold.expiresAt - this.#now()) },
      );
      for (const h of state.expired.slice(0, EXPIRED_DELETES_PER_WRITE)) op.delete(h.key);
      if ((await op.commit()).ok) return { granted: bytes, used };
    }
    throw contention(bucket);
  }

  /** See {@linkcode QuotaLedger.settle}. */
  async settle(bucket: string, hold: QuotaHold, kept: number): Promise<void> {
    const holdKey = this.#holdKey(bucket, hold.id);
    // Freeing bytes cannot push anyone past the cap, so it needs no check.
    if (kept <= 0) {
      await this.#kv.atomic().delete(holdKey).commit();
      return;
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = await this.#read(bucket);
      const op = this.#bump(bucket, state, state.stored + kept).delete(holdKey);
      if ((await op.commit()).ok) return;
    }
    throw contention(bucket);
  }

  /** See {@linkcode QuotaLedger.used}. */
  async used(bucket: string): Promise<number> {
    const state = await this.#read(bucket);
    return state.stored + sum(state.live);
  }

  /** An atomic that writes `stored` if the bucket key is unchanged since `state` was read. */
  #bump(bucket: string, state: BucketState, stored: number): KvAtomicLike {
    const key = this.#bucketKey(bucket);
    return this.#kv.atomic()
      .check({ key, versionstamp: state.versionstamp })
      .set(key, encodeJson(stored));
  }

  async #read(bucket: string): Promise<BucketState> {
    const key = this.#bucketKey(bucket);
    const entry = await this.#kv.get(key);
    const state: BucketState = {
      stored: decodeStored(entry.value, bucket),
      versionstamp: entry.versionstamp,
      live: [],
      expired: [],
    };
    const now = this.#now();
    for await (const hold of this.#kv.list({ prefix: [...key, HOLD] })) {
      const id = hold.key[key.length + 1];
      if (hold.key.length !== key.length + 2 || typeof id !== "string") continue;
      const { bytes, expiresAt } = decodeHold(hold.value, bucket);
      const entryOf = { key: hold.key, id, bytes, expiresAt };
      (expiresAt > now ? state.live : state.expired).push(entryOf);
    }
    return state;
  }

  #bucketKey(bucket: string): KvKey {
    return [...this.#prefix, bucket];
  }

  #holdKey(bucket: string, id: string): KvKey {
    return [...this.#prefix, bucket, HOLD, id];
  }
}

function sum(holds: StoredHold[]): number {
  return holds.reduce((n, h) => n + h.bytes, 0);
}

function contention(bucket: string): Error {
  return new Error(`Cannot update the upload quota of "${bucket}": too much contention`);
}

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

/** Stored bytes from a bucket value (absent: 0); a value we did not write fails loudly. */
function decodeStored(value: unknown, bucket: string): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof Uint8Array) {
    const used = Number(decoder.decode(value));
    if (isCount(used)) return used;
  }
  throw new TypeError(`Cannot read the upload quota of "${bucket}": its value is not valid`);
}

function decodeHold(value: unknown, bucket: string): { bytes: number; expiresAt: number } {
  const decoded = decodeValue(value);
  const hold = decoded.ok ? decoded.value as { bytes?: unknown; expiresAt?: unknown } | null : null;
  if (isCount(hold?.bytes) && isCount(hold?.expiresAt)) {
    return { bytes: hold.bytes, expiresAt: hold.expiresAt };
  }
  throw new TypeError(`Cannot read an upload hold of "${bucket}": its value is not valid`);
}
