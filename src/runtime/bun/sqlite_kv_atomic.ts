/**
 * An atomic operation on a {@linkcode SqliteKv}: checks, sets and deletes gathered, then checked
 * against Deno KV's limits (keys, values, totals; 100 checks like native Deno KV) and handed to
 * the store's transaction at `commit()`. Values must be `Uint8Array`s (portable between Deno and
 * Bun: Deno's V8 serialization is not available here).
 * @module
 */
import type { KvAtomicLike, KvKey } from "../../storage/kv/kv_like.ts";
import { KV_LIMITS } from "../../storage/kv/kv_limits.ts";
import { encodeKvKey } from "../kv_key_codec.ts";

/** Checks one atomic may carry (native Deno KV's limit; `@deno/kv` allows 10). */
export const SQLITE_KV_MAX_CHECKS = 100;

/** A check with its key encoded. */
export interface EncodedCheck {
  key: Uint8Array;
  versionstamp: string | null;
}

/** A write with its key encoded: `value` null deletes; `expireIn` ms, or -1 for never. */
export interface EncodedWrite {
  key: Uint8Array;
  value: Uint8Array | null;
  expireIn: number;
}

/** A commit's answer. */
export type CommitResult = { ok: true; versionstamp: string } | { ok: false };

/** Runs the checks and writes in one transaction. */
export type Committer = (checks: EncodedCheck[], writes: EncodedWrite[]) => Promise<CommitResult>;

type PendingWrite = { key: KvKey; value: Uint8Array | null; expireIn: number };

/** The error every non-`Uint8Array` value gets (the same words as `open_kv.ts`'s @deno/kv). */
export const NOT_BYTES = "KV values must be Uint8Array (portable between Deno and Bun)";

/** Encode `key`; refuse it over `max` bytes, or empty unless `emptyOk` (Deno KV: reads only). */
export function encodeCapped(key: KvKey, max: number, what: string, emptyOk = false): Uint8Array {
  if (key.length === 0 && !emptyOk) throw new TypeError("Key cannot be empty");
  const bytes = encodeKvKey(key);
  if (bytes.length > max) throw new TypeError(`Key too large for ${what} (max ${max} bytes)`);
  return bytes;
}

/** See the module. */
export class SqliteAtomic implements KvAtomicLike {
  #commit: Committer;
  #checks: { key: KvKey; versionstamp: string | null }[] = [];
  #writes: PendingWrite[] = [];

  constructor(commit: Committer) {
    this.#commit = commit;
  }

  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomicLike {
    this.#checks.push(...checks);
    return this;
  }

  set(key: KvKey, value: unknown, options?: { expireIn?: number }): KvAtomicLike {
    if (!(value instanceof Uint8Array)) throw new TypeError(NOT_BYTES);
    const expireIn = options?.expireIn;
    if (expireIn !== undefined && !(Number.isFinite(expireIn) && expireIn >= 0)) {
      throw new TypeError("expireIn must be a finite number of milliseconds, 0 or more");
    }
    this.#writes.push({ key, value, expireIn: expireIn === undefined ? -1 : expireIn });
    return this;
  }

  delete(key: KvKey): KvAtomicLike {
    this.#writes.push({ key, value: null, expireIn: -1 });
    return this;
  }

  commit(): Promise<CommitResult> {
    try {
      const checks = this.#checks.map((c) => ({
        key: encodeCapped(c.key, KV_LIMITS.maxKeyBytes + 1, "read", true),
        versionstamp: c.versionstamp,
      }));
      return this.#commit(checks, this.#encodedWrites());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #encodedWrites(): EncodedWrite[] {
    if (this.#checks.length > SQLITE_KV_MAX_CHECKS) {
      throw new TypeError(`Too many checks (max ${SQLITE_KV_MAX_CHECKS})`);
    }
    if (this.#writes.length > KV_LIMITS.maxMutations) {
      throw new TypeError(`Too many mutations (max ${KV_LIMITS.maxMutations})`);
    }
    let keyBytes = 0;
    let totalBytes = 0;
    const out = this.#writes.map((w): EncodedWrite => {
      const key = encodeCapped(w.key, KV_LIMITS.maxKeyBytes, "write");
      const size = w.value?.length ?? 0;
      if (size > KV_LIMITS.maxValueBytes) {
        throw new TypeError(`Value too large (max ${KV_LIMITS.maxValueBytes} bytes)`);
      }
      keyBytes += key.length;
      totalBytes += key.length + size;
      return { key, value: w.value, expireIn: w.expireIn };
    });
    if (keyBytes > KV_LIMITS.maxTotalKeyBytes) {
      throw new TypeError(`Total key size too large (max ${KV_LIMITS.maxTotalKeyBytes} bytes)`);
    }
    if (totalBytes > KV_LIMITS.maxTotalMutationBytes) {
      throw new TypeError(
        `Total mutation size too large (max ${KV_LIMITS.maxTotalMutationBytes} bytes)`,
      );
    }
    return out;
  }
}
