/**
 * When and how one room's log is checkpointed: changes appended since the last checkpoint are
 * folded into a {@linkcode RoomDelta}; a checkpoint takes it (new appends fold into a fresh one
 * meanwhile) and writes it with `kv_checkpoint.ts`. One checkpoint at a time. Started when the
 * policy's count or byte threshold is crossed, by a timer once the oldest change is `maxAgeMs`
 * old, and on demand (replace commits, close). A failed checkpoint gives its changes back and is
 * retried after `maxAgeMs`.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import type { TimerHandle, TimeSource } from "../../ports/time_source.ts";
import { CommitRefusedError } from "../commit_refused_error.ts";
import { type FlipResult, writeCheckpoint } from "./kv_checkpoint.ts";
import { checkpointDue, type CheckpointPolicy } from "./kv_checkpoint_policy.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import type { LoadContext } from "./kv_load_context.ts";
import type { StoredHead, StoredIndex } from "./kv_records.ts";
import { RoomDelta } from "./kv_room_delta.ts";

/** What the checkpointer needs from its room's storage. */
export interface CheckpointHost {
  kv: KvLike;
  keys: RoomKeys;
  ctx: LoadContext;
  policy: CheckpointPolicy;
  keepLog: boolean;
  /** See `KvRoomOptions.logResolutionMs`. */
  logResolutionMs: number;
  time: TimeSource;
  /** True once the store is closed: no background checkpoint starts any more. */
  storeClosed(): boolean;
  /** The document-key index, current head and latest schema. */
  state(): { index: StoredIndex; head: StoredHead | null; schema: SerializedSchema | undefined };
  /**
   * Commit a checkpoint atomic (checked against the head, serialized with appends); with `head`,
   * the atomic writes it (the host adds its journal pointer and takes it as its head).
   */
  flip(mutations: Mutation[], head: StoredHead | null): Promise<FlipResult>;
  /** The flip found another writer's head: the room is lost. */
  lost(): never;
}

/** Checkpoints of one room; see the module. */
export class RoomCheckpointer {
  /** Changes not yet checkpointed (nor being checkpointed). */
  delta: RoomDelta = new RoomDelta();
  #host: CheckpointHost;
  #running: Promise<void> | null = null;
  #timer: TimerHandle | null = null;
  #stopped = false;

  /** Checkpoint for `host`. */
  constructor(host: CheckpointHost) {
    this.#host = host;
  }

  /** A change was folded into {@linkcode delta}: start a checkpoint if due, else arm the timer. */
  changed(): void {
    if (this.#stopped || this.#running) return;
    if (checkpointDue(this.delta, this.#host.policy)) return void this.#background();
    this.#arm(this.#host.policy.maxAgeMs - (this.#host.time.now() - (this.delta.since ?? 0)));
  }

  /** Checkpoint what is pending now (after a running one); rejects when it fails. */
  async run(): Promise<void> {
    while (this.#running) await this.#running.catch(() => {});
    if (this.delta.isEmpty) return;
    const write = this.#write(); // takes the delta synchronously
    this.#running = write;
    try {
      await write;
    } catch (error) {
      if (!this.#stopped) this.#arm(this.#host.policy.maxAgeMs); // retry later, not in a loop
      throw error;
    } finally {
      if (this.#running === write) this.#running = null;
    }
    if (!this.#stopped && !this.delta.isEmpty) this.changed();
  }

  /** Resolves once no checkpoint is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running.catch(() => {});
  }

  /** Checkpoint whatever is pending in the background (errors: retried later). */
  soon(): void {
    if (!this.#stopped && !this.#running) void this.#background();
  }

  /** No more timers (the room closes or was lost). */
  stop(): void {
    this.#stopped = true;
    this.#disarm();
  }

  async #background(): Promise<void> {
    if (this.#host.storeClosed()) return this.stop();
    try {
      await this.run();
    } catch {
      // Given back and retried by the timer (a lost room was already reported).
    }
  }

  async #write(): Promise<void> {
    this.#disarm();
    const taken = this.delta;
    this.delta = new RoomDelta();
    const host = this.#host;
    const { index, head: old, schema } = host.state();
    const head: StoredHead = {
      v: 1,
      documentClock: Math.max(old?.documentClock ?? 0, taken.clock),
      tombstoneHistoryStartsAtClock: taken.historyStart ?? old?.tombstoneHistoryStartsAtClock ?? 0,
    };
    try {
      const s = taken.schema ?? schema;
      if (!s) throw new Error(`Cannot checkpoint ${host.ctx.what}: its schema is unknown`);
      const result = await writeCheckpoint({
        kv: host.kv,
        keys: host.keys,
        index,
        delta: taken,
        head,
        schema: s,
        keepLog: host.keepLog,
        logResolutionMs: host.logResolutionMs,
        ctx: host.ctx,
        flip: (m, h) => host.flip(m, h),
      });
      if (!result.ok) host.lost();
    } catch (error) {
      if (!(error instanceof CommitRefusedError)) this.#giveBack(taken, index);
      throw error;
    }
  }

  #giveBack(taken: RoomDelta, index: StoredIndex): void {
    taken.merge(this.delta);
    this.delta = taken;
    index.schemaJson = undefined; // maybe not written: write it again
  }

  #arm(ms: number): void {
    if (this.#timer !== null || this.delta.isEmpty) return;
    this.#timer = this.#host.time.setTimeout(() => {
      this.#timer = null;
      this.soon();
    }, Math.max(0, ms));
  }

  #disarm(): void {
    if (this.#timer === null) return;
    this.#host.time.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
