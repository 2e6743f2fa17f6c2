/**
 * One room in Deno KV, log-structured. A commit is appended as one log entry (`kv_log_entry.ts`)
 * in one atomic shared with other rooms' commits (`kv_commit_batcher.ts`), checked against the
 * head's versionstamp: a writer whose last write was not the head's latest (another server
 * claimed the room or checkpointed since) is refused. A small entry goes into the shared journal
 * (`kv_shared_journal.ts`: one value for the whole atomic); the head is written with it only when
 * it does not point at this writer's journal yet (a claim). A large entry (or a room's first)
 * goes to the room's own log with the head rewritten unchanged. No document write per commit: a
 * background checkpoint (`kv_room_checkpointer.ts`) writes the changes to the document keys and
 * moves the head past them (and its journal pointer past the values they were in). A commit that
 * does not advance the clock is checkpointed directly instead (the head flip is its commit point).
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import type { TimeSource } from "../../ports/time_source.ts";
import { CommitRefusedError } from "../commit_refused_error.ts";
import type { RoomCommit, RoomSnapshot, RoomStorage } from "../storage.ts";
import { encodeJson } from "./kv_codec.ts";
import { type FlipResult, writeChecked } from "./kv_checkpoint.ts";
import type { CheckpointPolicy } from "./kv_checkpoint_policy.ts";
import type { KvCommitBatcher } from "./kv_commit_batcher.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { Lease } from "./kv_lease.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import {
  JOURNAL_ENTRY_MAX_BYTES,
  type JournalRef,
  type SharedJournal,
} from "./kv_shared_journal.ts";
import { loadRoom } from "./kv_load.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { logEntryOf } from "./kv_log_entry.ts";
import { type EncodedLogEntry, encodeLogEntry } from "./kv_log_write.ts";
import { assertCommitFits, schemaJsonOf } from "./kv_plan.ts";
import type { StoredHead, StoredIndex } from "./kv_records.ts";
import { RoomCheckpointer } from "./kv_room_checkpointer.ts";
import { changeOfCommit } from "./kv_room_delta.ts";

/** How a room storage writes (from `KvStorageOptions`). */
export interface KvRoomOptions {
  policy: CheckpointPolicy;
  keepLog: boolean;
  /**
   * With `keepLog`: journaled entries of one window of this many ms become one log entry at the
   * checkpoint (0 or unset: every entry its own; see `kv_history_merge.ts`).
   */
  logResolutionMs?: number;
  time: TimeSource;
  onLost: (reason: string) => void;
  /** True once the provider (and its KV) is closed. */
  storeClosed: () => boolean;
  /** The store's key prefix (where shared journals are). */
  prefix: KvKey;
  /** Append small entries to this shared journal (unset: every entry to the room's own log). */
  journal?: SharedJournal;
  /** See {@linkcode RoomStorage.commitGatherMs} (the provider's commit window). */
  commitGatherMs?: number;
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
  /** Appends and flips queued or running. */
  #headOps = 0;
  #checkpoints: RoomCheckpointer;
  #lastClock = -1;
  #live = new Set<string>();
  #schema: SerializedSchema | undefined;
  #schemaJson: string | null = null;
  #loaded = false;
  #lost = false;
  /** Closing: the last checkpoint goes out at once (urgent), not gathered with later commits. */
  #closing = false;
  /** The last commit handed over (the engine hands them one at a time). */
  #inFlight: Promise<void> | null = null;
  /** This room's entries in this writer's journal not checkpointed yet, oldest first. */
  #journaled: { seq: number; clock: number }[] = [];

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
    this.commitGatherMs = options.commitGatherMs ?? 0;
    this.#checkpoints = new RoomCheckpointer({
      kv,
      keys,
      ctx,
      policy: options.policy,
      keepLog: options.keepLog,
      logResolutionMs: options.logResolutionMs ?? 0,
      time: options.time,
      storeClosed: options.storeClosed,
      state: () => ({ index: this.#index, head: this.#head, schema: this.#schema }),
      flip: (mutations, head) => this.#flip(mutations, head),
      lost: () => this.#markLost(),
    });
  }

  /** See {@linkcode RoomStorage.commitGatherMs}. */
  readonly commitGatherMs: number;

  /** Read the room; `undefined` when it was never stored. */
  async load(): Promise<RoomSnapshot | undefined> {
    const o = { keepLog: this.#o.keepLog, now: this.#o.time.now(), journalPrefix: this.#o.prefix };
    const loaded = await loadRoom(this.#kv, this.#keys, this.#ctx, o);
    this.#journaled = [];
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
    // Entries found in a journal (another writer's, or one this room's last run left) become the
    // room's own before anything else: from then on the head need not point there.
    if (loaded.journaled > 0) await this.#checkpoints.run();
    else if (!loaded.delta.isEmpty) this.#checkpoints.changed();
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
    const change = changeOfCommit(commit);
    const checkpoints = this.#checkpoints;
    if (clock <= this.#lastClock || (this.#head === null && clock < 1)) {
      this.#lastClock = Math.max(this.#lastClock, clock);
      await checkpoints.idle();
      checkpoints.delta.apply(change, clock, this.#o.time.now());
      await checkpoints.run();
    } else {
      const seq = await this.#append(encoded, clock);
      this.#lastClock = clock;
      const keys = seq === undefined
        ? { clock, parts: encoded.parts.length, bytes: encoded.bytes }
        : {
          clock,
          parts: 0,
          bytes: encoded.bytes,
          seq,
          ...(this.#o.keepLog ? { json: encoded.manifest.value, log: entry } : {}),
        };
      checkpoints.delta.apply(change, clock, this.#o.time.now(), keys);
      if (commit.replace) checkpoints.soon();
      else checkpoints.changed();
    }
    this.#loaded = true;
  }

  /** Checkpoint what the log holds, send waiting commits and release the lease. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#batcher.flush(); // a commit of this room waiting in the window goes out now
    await this.#inFlight?.catch(() => {}); // its change must be in the last checkpoint
    this.#checkpoints.stop();
    if (this.#loaded && !this.#lost) {
      await this.#checkpoints.run().catch(() => {
        // The log keeps every change; the next load replays it.
      });
      // Nothing left in this writer's journal: the head stops pointing there.
      if (this.#pointsHere() && this.#journaled.length === 0 && this.#head) {
        await this.#flip([], this.#head).catch(() => {});
      }
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

  /**
   * Run `fn` after the room's previous append or flip; at once when none is queued, so commits
   * started in one task reach the batcher in that task and share its atomic.
   */
  #serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#headOps === 0 ? fn() : this.#headQueue.then(fn);
    this.#headOps++;
    this.#headQueue = run.then(
      () => void this.#headOps--,
      () => void this.#headOps--,
    );
    return run;
  }

  /**
   * Append an entry: its parts first, then the entry with the head rewritten (same value, new
   * versionstamp), every atomic checked against the head's versionstamp: any other writer's
   * append or checkpoint since this one's last write fails it. A room's first entry creates its
   * head (nothing checkpointed yet: the clock before the entry's).
   */
  #append(encoded: EncodedLogEntry, clock: number): Promise<number | undefined> {
    const journal = this.#o.journal;
    if (
      journal && this.#head && encoded.parts.length === 0 &&
      encoded.bytes <= JOURNAL_ENTRY_MAX_BYTES
    ) return this.#appendToJournal(encoded.manifest.value, clock, journal);
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
      return undefined;
    });
  }

  /**
   * Append an entry to the shared journal, checked against the head's versionstamp; the head is
   * written with it (pointing at this writer's journal from the entry's value on) unless it
   * already points there. Returns the number of the value the entry went into; `undefined` when
   * it went to the room's own log instead (alone in its atomic, head already pointing here: a
   * loader claims the head before reading either, so the head need not be rewritten).
   */
  #appendToJournal(
    entry: Uint8Array,
    clock: number,
    journal: SharedJournal,
  ): Promise<number | undefined> {
    return this.#serialized(async () => {
      const headKey = this.#keys.head();
      const check = [{ key: headKey, versionstamp: this.#headVersionstamp }];
      let claimed: StoredHead | null = null;
      const claim = this.#pointsHere() ? undefined : (seq: number): Mutation => {
        claimed = { ...this.#head!, wal: { w: journal.writer, from: seq } };
        return { key: headKey, value: encodeJson(claimed) };
      };
      const result = await this.#batcher.commit(check, [], false, {
        roomId: this.#ctx.roomId,
        entry,
        ...(claim ? { head: claim } : { solo: { key: this.#keys.log(clock), value: entry } }),
      });
      if (!result.ok) this.#markLost();
      if (result.seq === undefined) return undefined;
      if (claimed) {
        this.#head = claimed;
        this.#headBytes = null;
        this.#headVersionstamp = result.versionstamp;
      }
      this.#journaled.push({ seq: result.seq, clock });
      return result.seq;
    });
  }

  /** Whether the stored head points at this writer's journal (appends need not write it). */
  #pointsHere(): boolean {
    const wal = this.#head?.wal;
    return wal !== undefined && wal.w === this.#o.journal?.writer;
  }

  /**
   * Where the head should point after a flip to `clock`: at this writer's oldest value still
   * holding an entry above it, else (while the room is open) at the next value, so the next
   * append need not write the head; nowhere once the room closes with nothing left.
   */
  #walAfter(clock: number): JournalRef | undefined {
    const journal = this.#o.journal;
    if (!journal) return undefined;
    const left = this.#journaled.find((j) => j.clock > clock);
    if (left) return { w: journal.writer, from: left.seq };
    return this.#closing ? undefined : { w: journal.writer, from: journal.peek() };
  }

  /**
   * A checkpoint's atomic: through the batcher too, so rooms' checkpoints share atomics. Only
   * the one that writes the head (`head`, given its journal pointer here, when no append of the
   * room is in flight) changes the versionstamp appends check; it releases the journal values
   * whose entries of this room it covers.
   */
  #flip(mutations: Mutation[], head: StoredHead | null): Promise<FlipResult> {
    return this.#serialized(async () => {
      const check = [{ key: this.#keys.head(), versionstamp: this.#headVersionstamp }];
      let written: StoredHead | null = null;
      if (head) {
        const { wal: _old, ...rest } = head;
        const wal = this.#walAfter(head.documentClock);
        written = wal ? { ...rest, wal } : rest;
        mutations = [...mutations, { key: this.#keys.head(), value: encodeJson(written) }];
      }
      const result = await this.#batcher.commit(check, mutations, this.#closing);
      if (result.ok && written) {
        this.#head = written;
        this.#headBytes = null;
        this.#headVersionstamp = result.versionstamp;
        const covered = this.#journaled.filter((j) => j.clock <= written!.documentClock);
        this.#journaled = this.#journaled.filter((j) => j.clock > written!.documentClock);
        for (const j of covered) this.#o.journal?.release(j.seq);
      }
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
