/**
 * Multi-instance serving on one Deno KV: `createKvCluster(kv)` returns the storage provider and
 * the room router to pass to `createSyncHandler`. Every server process of the cluster opens the
 * same KV. Each room has one writer (its lease holder) running the real room; the others forward
 * their clients' frames to it through KV (see ARCHITECTURE.md, "Multi-instance").
 * @module
 */
import { type Logger, silentLogger } from "../ports/logger.ts";
import type { RoomRouterFactory } from "../server/room_router.ts";
import { type KvStorageOptions, KvStorageProvider } from "../storage/kv/kv_storage_provider.ts";
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import type { WatchFn } from "./bus_bell.ts";
import { ClusterRouter } from "./cluster_router.ts";
import { lockRetryKv } from "../storage/kv/lock_retry_kv.ts";

/** Options of {@linkcode createKvCluster}. */
export interface KvClusterOptions {
  /** Key prefix of rooms and bus (default `["tlsync"]`). */
  prefix?: KvKey;
  /** Room lease lifetime in ms (default 6000): a dead writer is replaced after at most this. */
  leaseTtlMs?: number;
  /**
   * How a process learns that frames wait for it on the bus (default `"poll"`):
   * - `"watch"`: `kv.watch` on one bell key per process, which every append rewrites; the bus is
   *   read when it changes (and every `watchPollMs`). Only for a KV whose watch reports other
   *   processes' writes: Deno Deploy's managed KV, a KV Connect URL (self-hosted denokv). Deno's
   *   local SQLite file does NOT report another process's writes to watchers, and `@deno/kv`'s
   *   local watch (Bun) can hang its handle after a cancel. Without `kv.watch`, until the watch
   *   delivers its first event, and while it is failing (reopened after 30 s), the bus is polled.
   * - `"poll"`: read on a timer, fast while frames move and backing off when quiet (`pollMs`).
   */
  busWake?: BusWake;
  /**
   * Largest bus poll interval in ms when quiet (default 100). While frames moved within the last
   * second the loop polls every `hotPollMs`; after that it doubles the interval each quiet poll
   * up to this, and goes back to `hotPollMs` as soon as this process sends on the bus. The first
   * frame after a quiet spell waits up to this long (half of it on average) on its reader.
   */
  pollMs?: number;
  /** Bus poll interval in ms while frames move (default 5, at most `pollMs`). */
  hotPollMs?: number;
  /** With `busWake: "watch"`: the bus is still read this often, in ms (default 5000). */
  watchPollMs?: number;
  /**
   * How often a writer whose bus loop is idle lists its ring keys, in ms (default 250). This is
   * the whole KV cost of a process that serves rooms nobody follows; a follower's first
   * frames wait at most this long for an idle writer to notice them.
   */
  wakeCheckMs?: number;
  /** A follower silent this long loses its sessions on the writer (default 15000). */
  channelTimeoutMs?: number;
  /** Identifies this server in leases (default a random id). */
  ownerId?: string;
  /** Checks per atomic (Deno: 100, `@deno/kv`: 10; default 10). */
  maxChecksPerAtomic?: number;
  /** Atomics in flight at once, for different rooms (native Deno KV: 4; default 1). */
  maxCommitsInFlight?: number;
  /** Structured logs. */
  logger?: Logger;
  /** Wall time (default `Date.now`). */
  now?: () => number;
  /** Stored entries loading skipped (see `KvStorageOptions.onSkipped`). */
  onSkipped?: KvStorageOptions["onSkipped"];
  /** Room history bounds (see `KvStorageOptions.history`; default none). */
  history?: KvStorageOptions["history"];
  /** KV checkpoint thresholds (see `KvStorageOptions.checkpoint`). */
  checkpoint?: KvStorageOptions["checkpoint"];
  /** The commit gather window under load (see `KvStorageOptions.commitWindowMs`). */
  commitWindowMs?: KvStorageOptions["commitWindowMs"];
}

/** Values of {@linkcode KvClusterOptions.busWake}. */
export const BusWake = { watch: "watch", poll: "poll" } as const;
/** How the bus is woken: `kv.watch` or polling. */
export type BusWake = typeof BusWake[keyof typeof BusWake];

/** How long a failed bus watch waits before it is reopened (polling meanwhile). */
const BELL_RETRY_MS = 30_000;

/** What {@linkcode createKvCluster} returns: spread it into `createSyncHandler`'s options. */
export interface KvCluster {
  /** Rooms in the shared KV, one lease-holding writer per room. */
  storage: KvStorageProvider;
  /** Routes connections to the local room or to the process serving it. */
  roomRouter: RoomRouterFactory;
  /** This process's id in leases and bus keys. */
  ownerId: string;
}

/**
 * Serve rooms from several processes sharing `kv`.
 *
 * @example Two or more processes on one KV file
 * ```ts ignore
 * const cluster = createKvCluster(await Deno.openKv("./data/tlsync.kv.sqlite3"));
 * const sync = createSyncHandler({ storage: cluster.storage, roomRouter: cluster.roomRouter });
 * Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")) }, sync.fetch);
 * ```
 */
export function createKvCluster(kv: KvLike, options: KvClusterOptions = {}): KvCluster {
  const shared = lockRetryKv(kv);
  const prefix = options.prefix ?? ["tlsync"];
  const ownerId = options.ownerId ?? crypto.randomUUID();
  const now = options.now ?? Date.now;
  const leaseTtlMs = options.leaseTtlMs ?? 6000;
  const pollMs = options.pollMs ?? 100;
  const channelTimeoutMs = options.channelTimeoutMs ?? 15_000;
  const storage = new KvStorageProvider(shared, {
    prefix,
    ownerId,
    leaseTtlMs,
    // Never wait for another server's lease: follow it instead.
    leaseWaitMs: 0,
    now,
    ...(options.maxChecksPerAtomic ? { maxChecksPerAtomic: options.maxChecksPerAtomic } : {}),
    ...(options.maxCommitsInFlight ? { maxCommitsInFlight: options.maxCommitsInFlight } : {}),
    ...(options.onSkipped ? { onSkipped: options.onSkipped } : {}),
    ...(options.history ? { history: options.history } : {}),
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    ...(options.commitWindowMs !== undefined ? { commitWindowMs: options.commitWindowMs } : {}),
  });
  const timing = {
    expireInMs: Math.max(60_000, channelTimeoutMs * 4),
    // Room for two full-room connect replies (the room cap is 64 MiB) queued for one follower.
    maxQueuedBytes: 160 * 1024 * 1024,
    channelTimeoutMs,
    leaseCheckMs: Math.max(pollMs, Math.min(250, leaseTtlMs / 10)),
    now,
    logger: options.logger ?? silentLogger,
    touch: () => {},
  };
  const roomRouter: RoomRouterFactory = (registry) =>
    new ClusterRouter(registry, {
      kv: shared,
      prefix,
      ownerId,
      maxIdlePollMs: pollMs,
      hotPollMs: Math.min(options.hotPollMs ?? 5, pollMs),
      watch: options.busWake === BusWake.watch ? watchOf(kv) : undefined,
      watchPollMs: options.watchPollMs ?? 5000,
      bellRetryMs: BELL_RETRY_MS,
      wakeCheckMs: options.wakeCheckMs ?? 250,
      followerGraceMs: 2_000,
      timing,
    });
  return { storage, roomRouter, ownerId };
}

/** `kv.watch` bound to `kv`, if it has one (the raw handle: watching needs no lock retries). */
function watchOf(kv: KvLike): WatchFn | undefined {
  const watch = kv.watch;
  return typeof watch === "function" ? (keys) => watch.call(kv, keys) : undefined;
}
