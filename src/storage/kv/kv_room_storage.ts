/**
 * One room in Deno KV, log-structured. A commit is appended as one log entry (`kv_log_entry.ts`)
 * in one atomic shared with other rooms' commits (`kv_commit_batcher.ts`), together with the
 * head rewritten unchanged, checked against the head's versionstamp: a writer whose last write
 * was not the head's latest (another server appended or checkpointed since) is refused. No
 * document write per commit: a background checkpoint (`kv_room_checkpointer.ts`) writes the
 * changes to the document keys and moves the head past them. A commit that does not advance the
 * clock is checkpointed directly instead (the head flip is its commit point).
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import type { TimeSource } from "../../ports/time_source.ts";
import { CommitRefusedError } from "../commit_refused_error.ts";
import type { RoomCommit, RoomSnapshot, RoomStorage } from "../storage.ts";
import { addMutations } from "./atomic_packer.ts";
import { encodeJson } from "./kv_codec.ts";
import { type FlipResult, writeChecked } from "./kv_checkpoint.ts";
import type { CheckpointPolicy } from "./kv_checkpoint_policy.ts";
import type { KvCommitBatcher } from "./kv_commit_batcher.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { Lease } from "./kv_lease.ts";
import type { KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import { loadRoom } from "./kv_load.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { logEntryOf } from "./kv_log_entry.ts";
import { type EncodedLogEntry, encodeLogEntry } from "./kv_log_write.ts";
import { assertCommitFits, schemaJsonOf } from "./kv_plan.ts";
import type { StoredHead, StoredIndex } from "./kv_records.ts";
import { RoomCheckpointer } from "./kv_room_checkpointer.ts";
import type { FoldedChange } from "./kv_room_delta.ts";

/** How a room storage writes (from `KvStorageOptions`). */
export interface KvRoomOptions {
  policy: CheckpointPolicy;
  keepLog: boolean;
  time: TimeSource;
  onLost: (reason: string) => void;
}

/** A room's storage in KV. Created by `KvStorageProvider.openRoom`. */
export class KvRoomStorage implements RoomStorage {
  #kv: KvLike;
  #keys: RoomKeys;
  #ctx: LoadContext;
  #lease: Lease | null;
  #batcher: KvCommitBatcher;
  #o: KvRoomOptions;
  #index: StoredIndex = { known: new Set(), chunked: new Map() };
  #head: StoredHead | null = null;
  /** The head as stored (rewritten unchanged by every append). */
  #headBytes: Uint8Array | null = null;
  #headVersionstamp: string | null = null;
  /** Appends and head flips, one at a time (a flip changes the versionstamp appends check). */
  #headQueue: Promise<unknown> = Promise.resolve();
  #checkpoints: RoomCheckpointer;
  #lastClock = -1;
  #live = new Set<string>();
  #schema: SerializedSchema | undefined;
  #schemaJson: string | null = null;
  #loaded = false;
  #lost = false;
  /** The last commit handed over (the engine hands them one at a time). */
  #inFlight: Promise<void> | null = null;

  /** Storage for the room of `ctx` (the lease, if any, is already held). */
  constructor(
    kv: KvLike,
    batcher: KvCommitBatcher,
    keys: RoomKeys,
    ctx: LoadContext,
    lease: Lease | null,
    options: KvRoomOptions,
  ) {
    this.#kv = kv;
    this.#batcher = batcher;
    this.#keys = keys;
    this.#ctx = ctx;
    this.#lease = lease;
    this.#o = options;
    this.#checkpoints = new RoomCheckpointer({
      kv,
      keys,
      ctx,
      policy: options.policy,
      keepLog: options.keepLog,
      time: options.time,
      state: () => ({ index: this.#index, head: this.#head, schema: this.#schema }),
      flip: (mutations) => this.#flip(mutations),
      flipped: (head) => {
        this.#head = head;
        this.#headBytes = null;
      },
      lost: () => this.#markLost(),
    });
  }

  /** Read the room; `undefined` when it was never stored. */
  async load(): Promise<RoomSnapshot | undefined> {
    const o = { keepLog: this.#o.keepLog, now: this.#o.time.now() };
    const loaded = await loadRoom(this.#kv, this.#keys, this.#ctx, o);
    this.#index = loaded.index;
    this.#head = loaded.head;
    this.#headBytes = null;
    this.#headVersionstamp = loaded.headVersionstamp;
    this.#checkpoints.delta = loaded.delta;
    const snapshot = loaded.snapshot;
    this.#lastClock = snapshot?.documentClock ?? -1;
    this.#live = new Set(snapshot?.documents.map((d) => d.state.id));
    this.#schema = snapshot?.schema;
    this.#schemaJson = snapshot?.schema ? JSON.stringify(snapshot.schema) : null;
    this.#loaded = true;
    if (!loaded.delta.isEmpty) this.#checkpoints.changed();
    return snapshot;
  }

  /** Make `commit` durable (atomic: all of it or none of it is ever visible). */
  commit(commit: RoomCommit): Promise<void> {
    const run = this.#commit(commit);
    this.#inFlight = run;
    return run;
  }

  async #commit(commit: RoomCommit): Promise<void> {
    if (!this.#loaded) throw new Error(`Cannot commit to ${this.#ctx.what} before loading it`);
    if (this.#lost) throw new CommitRefusedError(`${this.#what()} is owned by another server`);
    const schemaJson = schemaJsonOf(commit.schema);
    const schemaChanged = schemaJson !== this.#schemaJson;
    this.#loaded = false; // until it lands: a failed commit leaves this storage to be reloaded
    const entry = logEntryOf(commit, this.#o.time.now(), schemaChanged, this.#liveAfter(commit));
    const encoded = encodeLogEntry(this.#keys, entry);
    assertCommitFits(
      commit,
      this.#keys,
      encoded.bytes,
      schemaChanged ? schemaJson : null,
      this.#ctx.what,
    );
    this.#schema = commit.schema;
    this.#schemaJson = schemaJson;
    const clock = commit.documentClock;
    const change: FoldedChange = {
      replace: commit.replace,
      puts: commit.puts,
      deletes: commit.deletes,
      pruned: commit.prunedTombstones,
      historyStart: commit.tombstoneHistoryStartsAtClock,
      schema: commit.schema,
    };
    const checkpoints = this.#checkpoints;
    if (clock <= this.#lastClock || (this.#head === null && clock < 1)) {
      this.#lastClock = Math.max(this.#lastClock, clock);
      await checkpoints.idle();
      checkpoints.delta.apply(change, clock, this.#o.time.now());
      await checkpoints.run();
    } else {
      await this.#append(encoded, clock);
      this.#lastClock = clock;
      const keys = { clock, parts: encoded.parts.length, bytes: encoded.bytes };
      checkpoints.delta.apply(change, clock, this.#o.time.now(), keys);
      if (commit.replace) checkpoints.soon();
      else checkpoints.changed();
    }
    this.#loaded = true;
  }

  /** Checkpoint what the log holds, send waiting commits and release the lease. */
  async close(): Promise<void> {
    this.#batcher.flush(); // a commit of this room waiting in the window goes out now
    await this.#inFlight?.catch(() => {}); // its change must be in the last checkpoint
    this.#checkpoints.stop();
    if (this.#loaded && !this.#lost) {
      await this.#checkpoints.run().catch(() => {
        // The log keeps every change; the next load replays it.
      });
    }
    await this.#lease?.release();
  }

  /** Live documents after `commit` (tracked id by id). */
  #liveAfter(commit: RoomCommit): number {
    const live = this.#live;
    if (commit.replace) live.clear();
    for (const doc of commit.puts) live.add(doc.state.id);
    for (const id in commit.deletes) live.delete(id);
    for (const id of commit.prunedTombstones) live.delete(id);
    return live.size;
  }

  #serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#headQueue.then(fn);
    this.#headQueue = run.catch(() => {});
    return run;
  }

  /**
   * Append an entry: its parts first, then the entry with the head rewritten (same value, new
   * versionstamp), every atomic checked against the head's versionstamp: any other writer's
   * append or checkpoint since this one's last write fails it. A room's first entry creates its
   * head (nothing checkpointed yet: the clock before the entry's).
   */
  #append(encoded: EncodedLogEntry, clock: number): Promise<void> {
    return this.#serialized(async () => {
      const check = [{ key: this.#keys.head(), versionstamp: this.#headVersionstamp }];
      if (encoded.parts.length && !await writeChecked(this.#kv, check, encoded.parts)) {
        this.#markLost();
      }
      this.#head ??= { v: 1, documentClock: clock - 1, tombstoneHistoryStartsAtClock: 0 };
      this.#headBytes ??= encodeJson(this.#head);
      const head = { key: this.#keys.head(), value: this.#headBytes };
      const result = await this.#batcher.commit(check, [encoded.manifest, head]);
      if (!result.ok) this.#markLost();
      this.#headVersionstamp = result.versionstamp;
    });
  }

  #flip(mutations: Mutation[]): Promise<FlipResult> {
    return this.#serialized(async () => {
      const check = { key: this.#keys.head(), versionstamp: this.#headVersionstamp };
      const result = await addMutations(this.#kv.atomic().check(check), mutations).commit();
      if (result.ok) this.#headVersionstamp = result.versionstamp;
      return result;
    });
  }

  #what(): string {
    return `Room "${this.#ctx.roomId}"`;
  }

  #markLost(): never {
    const reason = `${this.#what()} was written by another server`;
    if (!this.#lost) {
      this.#lost = true;
      this.#checkpoints.stop();
      this.#o.onLost(reason);
    }
    throw new CommitRefusedError(reason);
  }
}
