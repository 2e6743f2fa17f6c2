/**
 * A {@linkcode KvLike} over `bun:sqlite` on Deno KV's own SQLite file layout
 * (`sqlite_kv_schema.ts`), so a data file written by `deno serve` opens here and the other way
 * round. Bun's default for local KV files and `:memory:`: reads are synchronous SQLite queries on
 * the JS thread; no protobuf encoding, no napi or tokio hops.
 *
 * - Commits: one `BEGIN IMMEDIATE` transaction each (`sqlite_kv_txn.ts`), synchronous on the JS
 *   thread, fsync included (synchronous=FULL, like Deno KV). A writer worker would free the JS
 *   thread during the fsync but measured +60 to +120 µs CPU per commit. Versionstamps are
 *   Deno's and grow across processes sharing the file.
 * - Expired entries (`expireIn`) are invisible to get, list and checks at once, and swept by
 *   commits.
 * - Values are `Uint8Array`s; reading a value stored in another encoding (V8, u64) throws.
 * @module
 */
import type { KvAtomicLike, KvEntryMaybe, KvKey, KvLike } from "../../storage/kv/kv_like.ts";
import { KV_LIMITS } from "../../storage/kv/kv_limits.ts";
import { decodeKvKey } from "../kv_key_codec.ts";
import type { BunDatabase, BunStatement, SqlValue } from "./bun_sqlite_types.ts";
import { ValueEncoding } from "./sqlite_kv_schema.ts";
import { KvTransactions, LIVE, versionstampOf } from "./sqlite_kv_txn.ts";
import {
  type CommitResult,
  encodeCapped,
  type EncodedCheck,
  type EncodedWrite,
  SqliteAtomic,
} from "./sqlite_kv_atomic.ts";

/** Entries read per query by `list` when `batchSize` is not given (at most 1000). */
const DEFAULT_BATCH = 500;

const SQL = {
  get: `select v, v_encoding, version from kv where k = ? and ${LIVE}`,
  range: `select k, v, v_encoding, version from kv where k >= ? and k < ? and ${LIVE}
    order by k limit ?`,
  rangeAfter: `select k, v, v_encoding, version from kv where k > ? and k < ? and ${LIVE}
    order by k limit ?`,
} as const;

/** Options of {@linkcode SqliteKv}. */
export interface SqliteKvOptions {
  /** Wall clock in ms for expiry (default `Date.now`). */
  now?: () => number;
}

/** See the module. */
export class SqliteKv implements KvLike {
  #db: BunDatabase;
  #now: () => number;
  #s: Record<keyof typeof SQL, BunStatement>;
  #txns: KvTransactions;
  #closed = false;

  /** Use `db`, already on Deno KV's layout (`prepareKvSchema`); the store closes it. */
  constructor(db: BunDatabase, options: SqliteKvOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#txns = new KvTransactions(db);
    const s = {} as Record<keyof typeof SQL, BunStatement>;
    for (const [name, sql] of Object.entries(SQL)) s[name as keyof typeof SQL] = db.prepare(sql);
    this.#s = s;
  }

  get<T = unknown>(key: KvKey): Promise<KvEntryMaybe<T>> {
    try {
      this.#open();
      const k = encodeCapped(key, KV_LIMITS.maxKeyBytes + 1, "read", true);
      const row = this.#s.get.values(k, this.#now())[0];
      if (!row) return Promise.resolve({ key, value: null, versionstamp: null });
      const value = valueOf(row[0], row[1]) as T;
      return Promise.resolve({ key, value, versionstamp: versionstampOf(row[2]!) });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  list<T = unknown>(
    selector: { prefix: KvKey; start?: KvKey },
    options: { batchSize?: number; limit?: number } = {},
  ): AsyncIterable<{ key: KvKey; value: T; versionstamp: string }> {
    return this.#list<T>(selector, options);
  }

  atomic(): KvAtomicLike {
    return new SqliteAtomic((checks, writes) => this.#commit(checks, writes));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  async *#list<T>(
    selector: { prefix: KvKey; start?: KvKey },
    options: { batchSize?: number; limit?: number },
  ): AsyncGenerator<{ key: KvKey; value: T; versionstamp: string }> {
    this.#open();
    const [lower, upper] = rangeOf(selector);
    const limit = options.limit ?? Infinity;
    let remaining = limit > 0 ? limit : 0; // NaN and negatives: nothing
    const size = Math.floor(options.batchSize ?? DEFAULT_BATCH);
    const batch = size >= 1 ? Math.min(1000, size) : DEFAULT_BATCH;
    let after: Uint8Array | null = null;
    while (remaining > 0) {
      this.#open();
      const n = Math.min(batch, Math.ceil(remaining));
      const rows: SqlValue[][] = after === null
        ? this.#s.range.values(lower, upper, this.#now(), n)
        : this.#s.rangeAfter.values(after, upper, this.#now(), n);
      for (const row of rows) {
        const value = valueOf(row[1], row[2]) as T;
        yield {
          key: decodeKvKey(row[0] as Uint8Array),
          value,
          versionstamp: versionstampOf(row[3]!),
        };
      }
      if (rows.length < n) return;
      remaining -= n;
      after = rows[rows.length - 1]![0] as Uint8Array;
    }
  }

  #commit(checks: EncodedCheck[], writes: EncodedWrite[]): Promise<CommitResult> {
    this.#open();
    return Promise.resolve(this.#txns.run(checks, writes, this.#now()));
  }

  #open(): void {
    if (this.#closed) throw new Error("KV store is closed");
  }
}

/** `[lower, upper)` of encoded keys strictly under the prefix, from `start` when given. */
function rangeOf(selector: { prefix: KvKey; start?: KvKey }): [Uint8Array, Uint8Array] {
  const prefix = encodeCapped(selector.prefix, KV_LIMITS.maxKeyBytes + 1, "read", true);
  const upper = withByte(prefix, 0xff);
  if (!selector.start) return [withByte(prefix, 0x00), upper];
  const start = encodeCapped(selector.start, KV_LIMITS.maxKeyBytes + 1, "read", false);
  const inside = start.length > prefix.length && prefix.every((b, i) => start[i] === b);
  if (!inside) throw new TypeError("Start key is not in the keyspace defined by prefix");
  return [start, upper];
}

function withByte(bytes: Uint8Array, b: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = b;
  return out;
}

/** A stored value as a `Uint8Array`; other encodings (Deno's V8 values, u64) are refused. */
function valueOf(v: SqlValue | undefined, encoding: SqlValue | undefined): Uint8Array {
  if (encoding === ValueEncoding.bytes && v instanceof Uint8Array) return v;
  const kind = encoding === ValueEncoding.v8
    ? "a V8-serialized value"
    : encoding === ValueEncoding.le64
    ? "a KvU64"
    : `value encoding ${String(encoding).slice(0, 20)}`;
  throw new TypeError(`KV entry holds ${kind}; this store reads only Uint8Array values`);
}
