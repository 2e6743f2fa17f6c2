/**
 * Several processes sharing one Deno KV SQLite file collide on its write lock: a commit then
 * fails with "database is locked" (SQLITE_BUSY; nothing was written) and neither Deno nor
 * `@deno/kv` retries it. This wrapper replays such commits (and reads) with a short jittered
 * backoff, so the cluster's processes can share a file.
 * @module
 */
import type { KvAtomicLike, KvEntryMaybe, KvKey, KvLike } from "./kv_like.ts";

/** How long a commit keeps retrying a locked database before giving up. */
export const LOCKED_RETRY_MS = 10_000;

type Op = (atomic: KvAtomicLike) => KvAtomicLike;
type CommitResult = { ok: true; versionstamp: string } | { ok: false };

/** True for SQLite's "database is locked" / "database is busy" errors. */
export function isLockedError(error: unknown): boolean {
  return /database is (locked|busy)/i.test(error instanceof Error ? error.message : String(error));
}

/** Run `fn`, retrying while the database is locked. */
export async function retryLocked<T>(fn: () => Promise<T>, budgetMs = LOCKED_RETRY_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 1;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isLockedError(error) || Date.now() > deadline) throw error;
      const ms = Math.random() * Math.min(2 * attempt, 20);
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}

/** Records an atomic's operations so a locked commit can be replayed on a fresh atomic. */
class ReplayableAtomic implements KvAtomicLike {
  #kv: KvLike;
  #ops: Op[] = [];

  constructor(kv: KvLike) {
    this.#kv = kv;
  }

  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomicLike {
    this.#ops.push((a) => a.check(...checks));
    return this;
  }

  set(key: KvKey, value: unknown, options?: { expireIn?: number }): KvAtomicLike {
    this.#ops.push((a) => (options ? a.set(key, value, options) : a.set(key, value)));
    return this;
  }

  delete(key: KvKey): KvAtomicLike {
    this.#ops.push((a) => a.delete(key));
    return this;
  }

  commit(): Promise<CommitResult> {
    return retryLocked(() => this.#ops.reduce((a, op) => op(a), this.#kv.atomic()).commit());
  }
}

/** `kv` with locked commits and reads retried. */
export function lockRetryKv(kv: KvLike): KvLike {
  return {
    get: <T>(key: KvKey): Promise<KvEntryMaybe<T>> => retryLocked(() => kv.get<T>(key)),
    list: <T>(selector: { prefix: KvKey }, options?: { batchSize?: number }) =>
      kv.list<T>(selector, options),
    atomic: (): KvAtomicLike => new ReplayableAtomic(kv),
    close: (): void => kv.close(),
  };
}
