/**
 * Rooms stored in Deno KV (native on Deno, `@deno/kv` on Bun and Node).
 * @module
 */
import type { OpenRoomOptions, RoomStorage, StorageProvider } from "../storage.ts";
import { RoomKeys, roomsPrefix } from "./kv_keys.ts";
import { Lease } from "./kv_lease.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import { KvRoomStorage } from "./kv_room_storage.ts";
import { writeBatches } from "./kv_plan.ts";
import { KvCommitBatcher } from "./kv_commit_batcher.ts";

/** Options for {@linkcode KvStorageProvider}. */
export interface KvStorageOptions {
  /** Key prefix of everything this provider writes. Default `["tlsync"]`. */
  prefix?: KvKey;
  /** Take a single-writer lease per room (default true). */
  lease?: boolean;
  /** Lease lifetime in ms (default 6000); renewed every third of it. */
  leaseTtlMs?: number;
  /** How long opening a room waits for another server's lease to expire (default ttl + 1 s). */
  leaseWaitMs?: number;
  /** Identifies this server in leases (default a random id). */
  ownerId?: string;
  /** Wall time (default `Date.now`). */
  now?: () => number;
  /**
   * Checks allowed per atomic (Deno: 100, `@deno/kv`: 10). Bounds how many rooms share one
   * group commit. Default 10.
   */
  maxChecksPerAtomic?: number;
  /** Atomics in flight at once (different rooms). Default 1; 4 suits native Deno KV. */
  maxCommitsInFlight?: number;
}

/** A StorageProvider on a KV database. */
export class KvStorageProvider implements StorageProvider {
  #kv: KvLike;
  #prefix: KvKey;
  #options: KvStorageOptions;
  #owner: string;
  #batcher: KvCommitBatcher;

  /** Store rooms in `kv`. */
  constructor(kv: KvLike, options: KvStorageOptions = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["tlsync"];
    this.#options = options;
    this.#owner = options.ownerId ?? crypto.randomUUID();
    this.#batcher = new KvCommitBatcher(
      kv,
      options.maxChecksPerAtomic ?? 10,
      options.maxCommitsInFlight ?? 1,
    );
  }

  /** Open a room (taking its lease). */
  async openRoom(roomId: string, options: OpenRoomOptions = {}): Promise<RoomStorage> {
    const keys = new RoomKeys(this.#prefix, roomId);
    const onLost = options.onLost ?? (() => {});
    let lease: Lease | null = null;
    if (this.#options.lease !== false) {
      const ttlMs = this.#options.leaseTtlMs ?? 6000;
      lease = await Lease.acquire(this.#kv, keys.lease(), this.#owner, {
        ttlMs,
        waitMs: this.#options.leaseWaitMs ?? ttlMs + 1000,
        now: this.#options.now ?? Date.now,
      }, onLost);
    }
    return new KvRoomStorage(this.#kv, this.#batcher, keys, roomId, lease, onLost);
  }

  /** Ids of stored rooms. */
  async listRooms(): Promise<string[]> {
    const ids: string[] = [];
    const prefix = roomsPrefix(this.#prefix);
    for await (const entry of this.#kv.list({ prefix })) {
      if (entry.key.length === prefix.length + 2 && entry.key[prefix.length + 1] === "head") {
        ids.push(entry.key[prefix.length] as string);
      }
    }
    return ids;
  }

  /** Delete everything stored for a room. */
  async deleteRoom(roomId: string): Promise<void> {
    const keys = new RoomKeys(this.#prefix, roomId);
    const mutations = [];
    for await (const entry of this.#kv.list({ prefix: keys.root })) {
      mutations.push({ key: entry.key, value: null });
    }
    await writeBatches(this.#kv, mutations);
  }

  /** Close the database. */
  close(): void {
    this.#kv.close();
  }
}
