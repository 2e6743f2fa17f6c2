/**
 * The subset of `Deno.Kv` this project uses, typed structurally so it type-checks without the
 * unstable Deno types and accepts `@deno/kv` (Node/Bun) too.
 * @module
 */

/** A KV key. */
export type KvKey = readonly (string | number | bigint | boolean | Uint8Array)[];

/** One entry read from KV. */
export interface KvEntryMaybe<T> {
  /** The key read. */
  key: KvKey;
  /** The value, or null when the key is absent. */
  value: T | null;
  /** The entry's version, or null when the key is absent. */
  versionstamp: string | null;
}

/** An atomic operation under construction. */
export interface KvAtomicLike {
  /** Fail the commit unless `key` still has `versionstamp` (`null`: must not exist). */
  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomicLike;
  /** Write a value. */
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): KvAtomicLike;
  /** Delete a key. */
  delete(key: KvKey): KvAtomicLike;
  /** Apply everything or nothing. */
  commit(): Promise<{ ok: true; versionstamp: string } | { ok: false }>;
}

/** The KV store. */
export interface KvLike {
  /** Read one key. */
  get<T = unknown>(key: KvKey): Promise<KvEntryMaybe<T>>;
  /** Iterate keys under a prefix, in key order. */
  list<T = unknown>(
    selector: { prefix: KvKey; start?: KvKey },
    options?: { batchSize?: number; limit?: number },
  ): AsyncIterable<{ key: KvKey; value: T; versionstamp: string }>;
  /** Start an atomic operation. */
  atomic(): KvAtomicLike;
  /** Release the database. */
  close(): void;
  /**
   * Optional (Deno KV and `@deno/kv` have it): a stream yielding each time one of `keys`
   * changes, starting with their current state. The cluster bus uses it as a doorbell.
   */
  watch?(keys: readonly KvKey[]): ReadableStream<unknown>;
}
