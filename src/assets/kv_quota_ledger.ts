/**
 * The upload quota ledger in Deno KV, beside the assets: one key per bucket holding the bytes
 * used, changed only by atomics that check the value they read, so it survives restarts and is
 * shared by every process on the same KV.
 * @module
 */
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import type { QuotaGrant, QuotaLedger } from "./upload_quota.ts";

/** Attempts of one read-check-write before giving up (only under heavy contention). */
const MAX_ATTEMPTS = 32;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Keeps `[...prefix, bucket]` = bytes used (UTF-8 JSON, portable between Deno and `@deno/kv`). */
export class KvQuotaLedger implements QuotaLedger {
  #kv: KvLike;
  #prefix: KvKey;

  /** A ledger under `prefix` on `kv`. */
  constructor(kv: KvLike, prefix: KvKey) {
    this.#kv = kv;
    this.#prefix = prefix;
  }

  /** See {@linkcode QuotaLedger.reserve}. */
  async reserve(bucket: string, bytes: number, limit: number): Promise<QuotaGrant> {
    let answer: QuotaGrant = { granted: 0, used: 0 };
    await this.#update(bucket, (used) => {
      const granted = Math.max(0, Math.min(bytes, limit - used));
      answer = { granted, used };
      return granted > 0 ? used + granted : null;
    });
    return answer;
  }

  /** See {@linkcode QuotaLedger.release}. */
  async release(bucket: string, bytes: number): Promise<void> {
    if (bytes > 0) await this.#update(bucket, (used) => Math.max(0, used - bytes));
  }

  /** See {@linkcode QuotaLedger.used}. */
  async used(bucket: string): Promise<number> {
    return decodeUsed((await this.#kv.get(this.#key(bucket))).value, bucket);
  }

  #key(bucket: string): KvKey {
    return [...this.#prefix, bucket];
  }

  /** Read, compute (`null`: no change), write if unchanged since the read; retry otherwise. */
  async #update(bucket: string, next: (used: number) => number | null): Promise<void> {
    const key = this.#key(bucket);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.#kv.get(key);
      const value = next(decodeUsed(entry.value, bucket));
      if (value === null) return;
      const op = this.#kv.atomic().check({ key, versionstamp: entry.versionstamp });
      const result = await (value === 0 ? op.delete(key) : op.set(key, encodeUsed(value))).commit();
      if (result.ok) return;
    }
    throw new Error(`Cannot update the upload quota of "${bucket}": too much contention`);
  }
}

function encodeUsed(used: number): Uint8Array {
  return encoder.encode(JSON.stringify(used));
}

/** Bytes used from a stored value (absent: 0); a value we did not write fails loudly. */
function decodeUsed(value: unknown, bucket: string): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof Uint8Array) {
    const used = Number(decoder.decode(value));
    if (Number.isSafeInteger(used) && used >= 0) return used;
  }
  throw new TypeError(`Cannot read the upload quota of "${bucket}": its value is not valid`);
}
