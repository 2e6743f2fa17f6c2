/**
 * The single-writer lease of a room: one owner at a time, renewed while the room is open,
 * taken over only after it expired.
 * @module
 */
import { decodeJson, encodeJson } from "./kv_codec.ts";
import type { KvKey, KvLike } from "./kv_like.ts";

/** Lease timing. */
export interface LeaseOptions {
  /** Lease lifetime in ms. */
  ttlMs: number;
  /** How long `acquire` waits for another owner's lease to expire. */
  waitMs: number;
  /** Wall time. */
  now: () => number;
}

interface LeaseValue {
  owner: string;
  expiresAt: number;
}

/** A held lease. */
export class Lease {
  #kv: KvLike;
  #key: KvKey;
  #owner: string;
  #options: LeaseOptions;
  #versionstamp: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lost = false;
  #released = false;

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
      const value = current.value ? decodeJson<LeaseValue>(current.value, key, "lease") : null;
      if (!value || value.owner === owner || value.expiresAt <= options.now()) {
        if (await lease.#write(current.versionstamp)) {
          lease.#schedule(onLost);
          return lease;
        }
        continue;
      }
      if (options.now() >= deadline) {
        throw new Error(`Room is held by another server (owner "${value.owner}")`);
      }
      await new Promise((r) =>
        setTimeout(r, Math.min(250, Math.max(10, value.expiresAt - options.now())))
      );
    }
  }

  /** Stop renewing and give the lease up. */
  async release(): Promise<void> {
    this.#released = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lost || this.#versionstamp === null) return;
    await this.#kv.atomic().check({ key: this.#key, versionstamp: this.#versionstamp }).delete(
      this.#key,
    )
      .commit();
  }

  async #write(versionstamp: string | null): Promise<boolean> {
    const value: LeaseValue = {
      owner: this.#owner,
      expiresAt: this.#options.now() + this.#options.ttlMs,
    };
    const result = await this.#kv.atomic().check({ key: this.#key, versionstamp })
      .set(this.#key, encodeJson(value)).commit();
    if (result.ok) this.#versionstamp = result.versionstamp;
    return result.ok;
  }

  #schedule(onLost: (reason: string) => void): void {
    const timer = setTimeout(async () => {
      if (this.#released) return;
      try {
        if (!(await this.#write(this.#versionstamp))) {
          throw new Error("another server took the lease");
        }
        if (!this.#released) this.#schedule(onLost);
      } catch (error) {
        if (this.#released) return;
        this.#lost = true;
        onLost(`Lost the room lease: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, this.#options.ttlMs / 3);
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }
}
