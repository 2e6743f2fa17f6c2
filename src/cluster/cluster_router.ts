/**
 * The cluster's room router. For each connect it reads the room's lease: held by another live
 * server → this process follows (a {@linkcode RemoteRoom}); otherwise it loads the real `Room`
 * through the registry, taking the lease (if another server wins that race, it follows). One
 * poll loop per process feeds every local room from its followers (a {@linkcode WriterInbox})
 * and delivers every followed room's frames to its clients. The loop runs only while there is
 * bus traffic to move: this process follows a room, or one of its rooms has a live follower
 * channel, or frames moved within the last second; each reading tick reads only the streams
 * whose ring key moved ({@linkcode RingTracker}). With a working bell (`kv.watch` of this
 * process's bell key, {@linkcode BusBell}) the loop reads only when it rings; otherwise it polls
 * at the pace of a {@linkcode BusPacer}. When the loop is off, the bell starts it, or (no bell)
 * a process holding rooms lists its ring keys every `wakeCheckMs`; a process holding none reads
 * nothing.
 * @module
 */
import { CloseCode, CloseText } from "../protocol/close_reason.ts";
import type { Room } from "../room/room.ts";
import type { RoomEndpoint, RoomRouter } from "../server/room_router.ts";
import type { RoomRegistry } from "../server/room_registry.ts";
import { RoomKeys } from "../storage/kv/kv_keys.ts";
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import { BusBell, type WatchFn } from "./bus_bell.ts";
import { bellOf, BusKeys, ringsOf } from "./bus_keys.ts";
import { BusPacer } from "./bus_pacer.ts";
import { RingTracker } from "./ring_tracker.ts";
import { heldByOther, readLease } from "./lease_probe.ts";
import { RemoteRoom } from "./remote_room.ts";
import { WakeWatcher } from "./wake_signal.ts";
import { type BusTiming, WriterInbox } from "./writer_inbox.ts";

/** How long after the last bus activity the loop keeps polling at `hotPollMs`. */
const HOT_WINDOW_MS = 1000;
/** Every stream is read at least this often, ring or not. */
const FULL_READ_MS = 1000;

/** Options of {@linkcode ClusterRouter}. */
export interface ClusterRouterOptions {
  /** The shared KV (with locked commits retried). */
  kv: KvLike;
  /** Key prefix shared with the storage provider. */
  prefix: KvKey;
  /** This server's lease owner id (the same as the storage provider's). */
  ownerId: string;
  /** Largest bus poll interval when quiet, in ms (polling backs off up to it). */
  maxIdlePollMs: number;
  /** Poll interval while the bus is busy (frames moved in the last second). */
  hotPollMs: number;
  /** `kv.watch` to ring this process's bell with; without it the loop polls. */
  watch?: WatchFn | undefined;
  /** With a working bell, the streams are still read this often (a missed ring), in ms. */
  watchPollMs: number;
  /** Wait before reopening a failed watch, in ms. */
  bellRetryMs: number;
  /** How often an idle process lists its ring keys. */
  wakeCheckMs: number;
  /** How long a followed room with no client stays open for a reconnect. */
  followerGraceMs: number;
  /** Bus timing and logs. */
  timing: BusTiming;
}

/** Routes connections to local rooms or to the writer serving them. */
export class ClusterRouter implements RoomRouter {
  #registry: RoomRegistry;
  #o: ClusterRouterOptions;
  #inboxes = new Map<string, WriterInbox>();
  #remotes = new Map<string, RemoteRoom>();
  #channels = 0;
  #loop: Promise<void> | null = null;
  #stopped = false;
  #timing: BusTiming;
  #pacer: BusPacer;
  #bell: BusBell | null = null;
  #retired = new Set<Promise<void>>();
  #wake: WakeWatcher;
  #rings: RingTracker;

  /** A router over `registry`'s local rooms. */
  constructor(registry: RoomRegistry, options: ClusterRouterOptions) {
    this.#registry = registry;
    this.#o = options;
    this.#timing = { ...options.timing, touch: () => this.#pacer.touch() };
    this.#pacer = new BusPacer({
      hotPollMs: options.hotPollMs,
      maxIdlePollMs: options.maxIdlePollMs,
      hotWindowMs: HOT_WINDOW_MS,
      housekeepingMs: options.timing.leaseCheckMs,
      watchPollMs: options.watchPollMs,
      belled: () => this.watching,
      now: options.timing.now,
    });
    const rings = ringsOf(options.prefix, options.ownerId);
    this.#rings = new RingTracker(options.kv, rings, FULL_READ_MS, options.timing.now);
    this.#wake = new WakeWatcher({
      probe: () => this.#rings.moved(),
      intervalMs: options.wakeCheckMs,
      active: () => !this.#stopped && !this.#loop && !this.watching,
      wanted: () => registry.rooms().length > 0,
      onWake: () => this.#start(),
      onError: (error) =>
        options.timing.logger.warn("cluster_wake_failed", { error: String(error) }),
    });
    this.#wake.arm();
    if (options.watch) this.#openBell(options.watch);
  }

  #openBell(watch: WatchFn): void {
    const logger = this.#o.timing.logger;
    this.#bell = new BusBell({
      watch,
      key: bellOf(this.#o.prefix, this.#o.ownerId),
      retryMs: this.#o.bellRetryMs,
      onRing: () => this.#loop ? this.#pacer.ring() : this.#start(),
      onDown: (reason) => {
        logger.warn("cluster_bell_down", { reason, retryMs: this.#o.bellRetryMs });
        this.#pacer.wake(); // the loop goes back to polling now
        this.#wake.arm();
      },
    });
    this.#bell.open();
  }

  /** True while the bell works: the bus is read when it rings, not polled. */
  get watching(): boolean {
    return this.#bell?.working ?? false;
  }

  /** Watch events so far. */
  get bellRings(): number {
    return this.#bell?.rings ?? 0;
  }

  /** The current poll interval (when polling), in ms. */
  get pollIntervalMs(): number {
    return this.#pacer.intervalMs;
  }

  /** Ring-key probes so far while idle (an idle process's whole KV cost). */
  get wakeReads(): number {
    return this.#wake.reads;
  }

  /** True while the bus poll loop runs. */
  get polling(): boolean {
    return this.#loop !== null;
  }

  /** The local room, or a proxy of the room served elsewhere. */
  async acquire(roomId: string): Promise<RoomEndpoint> {
    if (this.#stopped) throw new Error("Server shutting down");
    const remote = this.#remotes.get(roomId);
    if (remote && !remote.closed) return remote;
    // A room already live here: the registry hands it out (and cancels a pending eviction).
    if (this.#registry.get(roomId)) return await this.#registry.acquire(roomId);
    const endpoint = await this.#acquireFresh(roomId);
    if (endpoint instanceof RemoteRoom) this.#start();
    return endpoint;
  }

  async #acquireFresh(roomId: string): Promise<RoomEndpoint> {
    const key = new RoomKeys(this.#o.prefix, roomId).lease();
    const lease = await readLease(this.#o.kv, key, this.#o.timing.now());
    if (heldByOther(lease, this.#o.ownerId, this.#o.timing.now())) {
      return this.#follow(roomId, lease!.owner, key);
    }
    try {
      return await this.#registry.acquire(roomId);
    } catch (error) {
      // Another server may have won the lease meanwhile: follow it.
      const now = await readLease(this.#o.kv, key, this.#o.timing.now());
      if (heldByOther(now, this.#o.ownerId, this.#o.timing.now())) {
        return this.#follow(roomId, now!.owner, key);
      }
      throw error;
    }
  }

  /** Evict a local room later if it is empty (followed rooms close after their grace). */
  releaseIfEmpty(roomId: string): void {
    if (!this.#remotes.has(roomId)) this.#registry.releaseIfEmpty(roomId);
  }

  /** Stop: followed rooms' clients get 1001; everything queued for the bus is committed. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#wake.disarm();
    this.#bell?.close();
    this.#pacer.wake();
    await this.#loop;
    for (const remote of this.#remotes.values()) {
      remote.close(CloseCode.GOING_AWAY, CloseText.SERVER_SHUTTING_DOWN);
    }
    await Promise.allSettled([
      ...this.#retired,
      ...[...this.#remotes.values()].map((r) => r.flush()),
      ...[...this.#inboxes.values()].map((i) => i.flush()),
    ]);
    this.#remotes.clear();
    this.#inboxes.clear();
  }

  #follow(roomId: string, writerId: string, leaseKey: KvKey): RemoteRoom {
    const existing = this.#remotes.get(roomId);
    if (existing && !existing.closed && existing.writerId === writerId) return existing;
    existing?.close(CloseCode.SERVICE_RESTART, CloseText.ROOM_MOVED, "writer changed");
    const channelId = `${this.#o.ownerId}.${++this.#channels}`;
    const keys = new BusKeys(this.#o.prefix, roomId, writerId);
    const remote = new RemoteRoom(
      roomId,
      writerId,
      this.#o.kv,
      keys,
      leaseKey,
      channelId,
      this.#timing,
    );
    this.#remotes.set(roomId, remote);
    this.#o.timing.logger.info("cluster_following", { roomId, writer: writerId, channelId });
    return remote;
  }

  /** Start the loop; its first tick reads (a wake usually means frames are waiting). */
  #start(): void {
    if (this.#loop || this.#stopped) return;
    this.#wake.disarm();
    this.#pacer.ring();
    if (!this.watching) this.#pacer.touch(); // polling: start hot
    this.#loop = this.#run().finally(() => {
      this.#loop = null;
      // A ring that came in while the loop was ending must not be lost.
      if (this.#pacer.rung) this.#start();
      else this.#wake.arm();
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const started = this.#o.timing.now();
      await this.#tick(this.#pacer.takeRead());
      if (this.#stopped || (!this.#pacer.isHot(started) && !this.#hasTraffic())) return;
      await this.#pacer.sleep(started);
    }
  }

  /** A followed room or a live follower channel: frames may arrive any time. */
  #hasTraffic(): boolean {
    if (this.#remotes.size > 0) return true;
    for (const inbox of this.#inboxes.values()) if (inbox.hasLiveChannels()) return true;
    return false;
  }

  async #tick(read: boolean): Promise<void> {
    const due = read ? await this.#rings.due() : () => false;
    const polls: Promise<void>[] = [];
    const live = new Set<Room>();
    for (const room of this.#registry.rooms()) {
      if (room.isClosed()) continue;
      live.add(room);
      let inbox = this.#inboxes.get(room.roomId);
      const fresh = !inbox || inbox.room !== room;
      if (fresh) {
        inbox = new WriterInbox(room, this.#o.kv, this.#busKeys(room.roomId), this.#timing);
        this.#inboxes.set(room.roomId, inbox);
      }
      polls.push(inbox!.poll(fresh || due(room.roomId)));
    }
    for (const [id, inbox] of this.#inboxes) {
      if (live.has(inbox.room)) continue;
      this.#inboxes.delete(id);
      this.#retire(inbox);
    }
    const now = this.#o.timing.now();
    for (const [id, remote] of this.#remotes) {
      if (!remote.closed && now - remote.emptySince() > this.#o.followerGraceMs) {
        remote.close(CloseCode.SERVICE_RESTART, CloseText.ROOM_MOVED, "no clients left");
      }
      if (!remote.closed) {
        polls.push(remote.poll(due(id)));
        continue;
      }
      this.#remotes.delete(id);
      this.#retire(remote);
    }
    const results = await Promise.allSettled(polls);
    for (const r of results) {
      if (r.status === "rejected") {
        this.#o.timing.logger.error("cluster_poll_failed", { error: String(r.reason) });
      }
    }
  }

  /** Keep flushing what a dropped inbox or proxy still has queued (awaited on close). */
  #retire(end: { flush(): Promise<void> }): void {
    const done: Promise<void> = end.flush().catch(() => {}).finally(() =>
      this.#retired.delete(done)
    );
    this.#retired.add(done);
  }

  #busKeys(roomId: string): BusKeys {
    return new BusKeys(this.#o.prefix, roomId, this.#o.ownerId);
  }
}
