/**
 * The single-writer lease of a room: one owner at a time, renewed while the room is open,
 * taken over only after it expired. Renewal and release run one at a time, so a release always
 * deletes the key written last and nothing renews after a release. Every lease write also asks
 * KV to expire the key (`expireIn`), so a lease whose owner died disappears by itself; the
 * provider's sweep (`kv_lease_sweep.ts`) removes any that remain.
 * @module
 */
import { addMutations } from "./atomic_packer.ts";
import { decodeValue, encodeJson } from "./kv_codec.ts";
import type { LeaseTicker } from "./kv_lease_ticker.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import { RoomHeldError } from "../room_held_error.ts";

/** Lease timing. */
export interface LeaseOptions {
  /** Lease lifetime in ms. */
  ttlMs: number;
  /** How long `acquire` waits for another owner's lease to expire. */
  waitMs: number;
  /** Wall time. */
  now: () => number;
  /**
   * Renew on this shared ticker (its period at most a third of `ttlMs`) through `commit` (the
   * provider's batcher), instead of on a timer of its own with an atomic of its own.
   */
  renewals?: LeaseRenewals;
}

/** Shared renewals: a ticker and a commit that packs what one task writes into one atomic. */
export interface LeaseRenewals {
  ticker: LeaseTicker;
  commit: (
    checks: { key: KvKey; versionstamp: string | null }[],
    mutations: Mutation[],
  ) => Promise<{ ok: true; versionstamp: string } | { ok: false }>;
}

/** A lease as stored. */
export interface LeaseValue {
  owner: string;
  expiresAt: number;
}

/** KV expires a lease key this many lifetimes after its last write. */
export const LEASE_EXPIRE_TTLS = 3;

/** Longest lease lifetime (1 hour; TLSYNC_LEASE_MS's ceiling). */
export const MAX_LEASE_TTL_MS = 3_600_000;

/**
 * How far ahead of a reader's clock a lease may expire and still be believed: the longest
 * lifetime plus a minute of clock skew. One further ahead was not written by a live server (a
 * lease expiring in the year 275760 kept a room's clients waiting for ever).
 */
export const LEASE_HORIZON_MS = MAX_LEASE_TTL_MS + 60_000;

/**
 * The stored lease, or `null` when absent or unreadable: not a lease, or (given the reader's
 * clock `now`) expiring more than {@linkcode LEASE_HORIZON_MS} ahead. An unreadable lease binds
 * no one.
 */
export function parseLease(value: unknown, now?: number): LeaseValue | null {
  const decoded = decodeValue(value);
  if (!decoded.ok || typeof decoded.value !== "object" || decoded.value === null) return null;
  const v = decoded.value as Record<string, unknown>;
  if (typeof v.owner !== "string" || typeof v.expiresAt !== "number") return null;
  if (!Number.isFinite(v.expiresAt)) return null;
  if (now !== undefined && v.expiresAt > now + LEASE_HORIZON_MS) return null;
  return { owner: v.owner, expiresAt: v.expiresAt };
}

/** A held lease. */
export class Lease {
  #kv: KvLike;
  #key: KvKey;
  #owner: string;
  #options: LeaseOptions;
  #versionstamp: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Stops the shared ticker's renewals of this lease. */
  #leaveTicker: (() => void) | undefined;
  #lost = false;
  #released = false;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(kv: KvLike, key: KvKey, owner: string, options: LeaseOptions) {
    this.#kv = kv;
    this.#key = key;
    this.#owner = owner;
    this.#options = options;
  }

  /** Take the lease, waiting up to `waitMs` for another owner's to expire. */
  static async acquire(
    kv: KvLike,
    key: KvKey,
    owner: string,
    options: LeaseOptions,
    onLost: (reason: string) => void,
  ): Promise<Lease> {
    const lease = new Lease(kv, key, owner, options);
    const deadline = options.now() + options.waitMs;
    for (;;) {
      const current = await kv.get<Uint8Array>(key);
      const value = parseLease(current.value, options.now());
      if (!value || value.owner === owner || value.expiresAt <= options.now()) {
        if (await lease.#write(current.versionstamp)) {
          lease.#schedule(onLost);
          return lease;
        }
        continue;
      }
      if (options.now() >= deadline) {
        throw new RoomHeldError(value.owner);
      }
      await new Promise((r) =>
        setTimeout(r, Math.min(250, Math.max(10, value.expiresAt - options.now())))
      );
    }
  }

  /** Stop renewing and give the lease up (after a renewal in flight, deleting what it wrote). */
  release(): Promise<void> {
    this.#released = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#leaveTicker?.();
    return this.#serially(async () => {
      if (this.#lost || this.#versionstamp === null) return;
      await this.#kv.atomic().check({ key: this.#key, versionstamp: this.#versionstamp })
        .delete(this.#key).commit();
      this.#versionstamp = null;
    });
  }

  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Write the lease if the key still has `versionstamp` (`shared`: through the renewals). */
  async #write(versionstamp: string | null, shared = false): Promise<boolean> {
    const { ttlMs, now, renewals } = this.#options;
    const value: LeaseValue = { owner: this.#owner, expiresAt: now() + ttlMs };
    const check = { key: this.#key, versionstamp };
    const write: Mutation = {
      key: this.#key,
      value: encodeJson(value),
      expireIn: ttlMs * LEASE_EXPIRE_TTLS,
    };
    const result = shared && renewals
      ? await renewals.commit([check], [write])
      : await addMutations(this.#kv.atomic().check(check), [write]).commit();
    if (result.ok) this.#versionstamp = result.versionstamp;
    return result.ok;
  }

  #schedule(onLost: (reason: string) => void): void {
    const renewals = this.#options.renewals;
    if (renewals) {
      this.#leaveTicker ??= renewals.ticker.add(() =>
        void this.#serially(() => this.#renew(onLost))
      );
      return;
    }
    const timer = setTimeout(
      () => void this.#serially(() => this.#renew(onLost)),
      this.#options.ttlMs / 3,
    );
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  async #renew(onLost: (reason: string) => void): Promise<void> {
    if (this.#released) return; // released while this renewal waited its turn
    try {
      if (!(await this.#write(this.#versionstamp, true))) {
        throw new Error("another server took the lease");
      }
      if (!this.#released) this.#schedule(onLost);
    } catch (error) {
      if (this.#released) return;
      this.#lost = true;
      this.#leaveTicker?.();
      onLost(`Lost the room lease: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
