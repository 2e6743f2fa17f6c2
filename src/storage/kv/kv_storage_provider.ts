/**
 * Rooms stored in Deno KV (native on Deno, `@deno/kv` on Bun and Node).
 * @module
 */
import { type HistoryPolicy, resolveHistoryPolicy } from "../history_policy.ts";
import type { RoomHistory } from "../room_history.ts";
import { kvRoomHistory, withKvHistory } from "./kv_history_room.ts";
import type { OpenRoomOptions, RoomSnapshot, RoomStorage, StorageProvider } from "../storage.ts";
import { leasesPrefix, RoomKeys, roomsPrefix } from "./kv_keys.ts";
import { Lease, type LeaseRenewals } from "./kv_lease.ts";
import { LeaseTicker } from "./kv_lease_ticker.ts";
import { LeaseSweeper } from "./kv_lease_sweep.ts";
import { salvageRoom } from "./kv_load.ts";
import { LoadContext } from "./kv_load_context.ts";
import type { SkippedEntry } from "./kv_records.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import { KvRoomStorage } from "./kv_room_storage.ts";
import { writeBatches } from "./atomic_packer.ts";
import { KvCommitBatcher } from "./kv_commit_batcher.ts";
import { systemTime, type TimeSource } from "../../ports/time_source.ts";
import { type CheckpointPolicy, resolveCheckpointPolicy } from "./kv_checkpoint_policy.ts";
import { SharedJournal } from "./kv_shared_journal.ts";
import { sweepJournals } from "./kv_journal_sweep.ts";

/** A fresh journal writer id: 12 random base-36 characters. */
function writerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => (b % 36).toString(36)).join("");
}

/**
 * Default {@linkcode KvStorageOptions.commitWindowMs}. Measured on a 2-core VM (BENCHMARKS.md,
 * "commit ticker"): rooms' commits start together at most once per window and are built when
 * they start, so a change waits at most one window; 6 → 10 ms cut CPU per acknowledged push by
 * 10–15% at 10 rooms × 10 clients for +1.5 ms push→ack p50 and no worse p99 (3 ms costs 30% more
 * CPU and, by splitting frames, more latency too).
 */
export const DEFAULT_COMMIT_WINDOW_MS = 10;
/** Largest {@linkcode KvStorageOptions.commitWindowMs}; larger values are clamped to it. */
export const MAX_COMMIT_WINDOW_MS = 50;

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
  /**
   * Under load, rooms' commits start together at most once per this many ms (the rooms' commit
   * gather period, {@linkcode RoomStorage.commitGatherMs}), so they share atomics; a commit is
   * built when it starts, with every change made while it waited. An idle server commits at
   * once; 0 never waits. Default {@linkcode DEFAULT_COMMIT_WINDOW_MS}.
   */
  commitWindowMs?: number;
  /** Clock and timers of checkpoints and history passes (default the system's). */
  time?: TimeSource;
  /**
   * When a room's log is checkpointed (see `kv_checkpoint_policy.ts`): after `maxEntries`
   * entries (default 64) or `maxBytes` bytes (256 KiB) or once the oldest is `maxAgeMs` old
   * (10,000), and when the room closes.
   */
  checkpoint?: Partial<CheckpointPolicy>;
  /**
   * Keep log entries a checkpoint covers (default false: it deletes them). Room history keeps
   * them and prunes them itself.
   */
  keepLog?: boolean;
  /**
   * Keep each room's history (restore points; see `room_history.ts`) within these bounds, or
   * `false`/unset for none. Implies `keepLog`. The default server turns it on (TLSYNC_HISTORY).
   */
  history?: HistoryPolicy | false;
  /**
   * Append small commits of all rooms to one shared journal value per atomic (default true; see
   * `kv_shared_journal.ts`), instead of a log key and a head rewrite per room. Journals written
   * earlier are read either way.
   */
  journal?: boolean;
  /**
   * Called for every stored entry loading skipped because it cannot be read or applied (an
   * undecodable document, a missing part, a bad journal entry). The room loads without it.
   * The default server logs a warning and counts `tlsync_storage_skipped_entries_total`.
   */
  onSkipped?: (entry: SkippedEntry) => void;
}

/** A StorageProvider on a KV database. */
export class KvStorageProvider implements StorageProvider {
  #kv: KvLike;
  #prefix: KvKey;
  #options: KvStorageOptions;
  #owner: string;
  #batcher: KvCommitBatcher;
  #sweeper: LeaseSweeper;
  /** Shared lease renewals (one ticker renews every room's lease), made with the first lease. */
  #renewals: LeaseRenewals | undefined;
  #policy: CheckpointPolicy;
  #journal: SharedJournal | undefined;
  #closed = false;

  /** Store rooms in `kv`. */
  constructor(kv: KvLike, options: KvStorageOptions = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["tlsync"];
    this.#options = options;
    this.#owner = options.ownerId ?? crypto.randomUUID();
    if (options.journal !== false) this.#journal = new SharedJournal(this.#prefix, writerId());
    this.#batcher = new KvCommitBatcher(kv, {
      ...(this.#journal ? { journal: this.#journal } : {}),
      maxChecks: options.maxChecksPerAtomic ?? 10,
      maxInFlight: options.maxCommitsInFlight ?? 1,
    });
    this.#policy = resolveCheckpointPolicy(options.checkpoint);
    this.#sweeper = new LeaseSweeper(kv, leasesPrefix(this.#prefix), {
      now: options.now ?? Date.now,
    });
  }

  /** Open a room (taking its lease). */
  async openRoom(roomId: string, options: OpenRoomOptions = {}): Promise<RoomStorage> {
    const keys = new RoomKeys(this.#prefix, roomId);
    const onLost = options.onLost ?? (() => {});
    let lease: Lease | null = null;
    if (this.#options.lease !== false) {
      const ttlMs = this.#options.leaseTtlMs ?? 6000;
      lease = await Lease.acquire(this.#kv, keys.lease(), this.#owner, {
        renewals: this.#renewalsFor(ttlMs),
        ttlMs,
        waitMs: this.#options.leaseWaitMs ?? ttlMs + 1000,
        now: this.#options.now ?? Date.now,
      }, onLost);
    }
    const time = this.#options.time ?? systemTime;
    const history = this.#options.history;
    const policy = history ? resolveHistoryPolicy(history) : undefined;
    const room = new KvRoomStorage(this.#kv, this.#batcher, keys, this.#context(roomId), lease, {
      policy: this.#policy,
      keepLog: (this.#options.keepLog ?? false) || !!history,
      logResolutionMs: policy?.resolutionMs ?? 0,
      time,
      onLost,
      storeClosed: () => this.#closed,
      prefix: this.#prefix,
      ...(this.#journal ? { journal: this.#journal } : {}),
      commitGatherMs: Math.min(
        Math.max(0, this.#options.commitWindowMs ?? DEFAULT_COMMIT_WINDOW_MS),
        MAX_COMMIT_WINDOW_MS,
      ),
    });
    if (!policy) return room;
    return withKvHistory(room, this.#kv, keys, this.#context(roomId), { policy, time });
  }

  /** The room's history (read without its lease); `undefined` unless `history` is on. */
  history(roomId: string): Promise<RoomHistory | undefined> {
    if (!this.#options.history) return Promise.resolve(undefined);
    const keys = new RoomKeys(this.#prefix, roomId);
    return Promise.resolve(kvRoomHistory(this.#kv, keys, this.#context(roomId), this.#prefix));
  }

  /**
   * Whatever of a room is readable, read without its lease and without writing (a backup, or the
   * export of a room whose head cannot be read). `undefined` when nothing is stored.
   */
  salvageRoom(roomId: string): Promise<RoomSnapshot | undefined> {
    const keys = new RoomKeys(this.#prefix, roomId);
    return salvageRoom(this.#kv, keys, this.#context(roomId), this.#prefix);
  }

  /**
   * Delete lease keys that expired over a minute ago, at most 1000 per call (each call resumes
   * where the previous stopped). Returns how many were deleted. Run it at start and periodically.
   */
  sweepLeases(): Promise<number> {
    return this.#sweeper.sweep();
  }

  /**
   * Delete shared-journal values no room's head points at any more (left by a server that
   * crashed or stopped), at most 1000 read per call. Returns how many were deleted. Run it with
   * {@linkcode sweepLeases}.
   */
  sweepJournals(): Promise<number> {
    return sweepJournals(this.#kv, this.#prefix, this.#journal?.writer);
  }

  #context(roomId: string): LoadContext {
    return new LoadContext(roomId, this.#options.onSkipped ?? (() => {}));
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

  /** Delete everything stored for a room (its head first: a cut-short delete leaves no room). */
  async deleteRoom(roomId: string): Promise<void> {
    const keys = new RoomKeys(this.#prefix, roomId);
    await writeBatches(this.#kv, [{ key: keys.head(), value: null }]);
    const mutations = [];
    for await (const entry of this.#kv.list({ prefix: keys.root })) {
      mutations.push({ key: entry.key, value: null });
    }
    await writeBatches(this.#kv, mutations);
  }

  /** The renewals of this provider's leases (living `ttlMs`): every third of it, in one task. */
  #renewalsFor(ttlMs: number): LeaseRenewals {
    return this.#renewals ??= {
      ticker: new LeaseTicker(ttlMs / 3),
      commit: (checks, mutations) => this.#batcher.commit(checks, mutations),
    };
  }

  /** Close the database. */
  close(): void {
    this.#closed = true; // rooms left open keep their log; the next load replays it
    this.#batcher.flush();
    this.#kv.close();
  }
}
