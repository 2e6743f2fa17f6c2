/**
 * One room in Deno KV. A small commit is one atomic (documents + head, checked against the head's
 * versionstamp). A large one is journaled first and made visible by one head flip, so a crash
 * never exposes half of it: loading replays a flipped journal.
 * @module
 */
import { CommitRefusedError } from "../commit_refused_error.ts";
import type { RoomCommit, RoomSnapshot, RoomStorage } from "../storage.ts";
import { encodeJson, splitBytes } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { Lease } from "./kv_lease.ts";
import type { KvLike } from "./kv_like.ts";
import { loadRoom } from "./kv_load.ts";
import type { LoadContext } from "./kv_load_context.ts";
import type { KvCommitBatcher } from "./kv_commit_batcher.ts";
import { writeBatches } from "./atomic_packer.ts";
import { assertPlanFits, fitsOneAtomic, planMutations } from "./kv_plan.ts";
import type { StoredHead, StoredIndex } from "./kv_records.ts";

/** A room's storage in KV. Created by `KvStorageProvider.openRoom`. */
export class KvRoomStorage implements RoomStorage {
  #kv: KvLike;
  #keys: RoomKeys;
  #roomId: string;
  #ctx: LoadContext;
  #lease: Lease | null;
  #batcher: KvCommitBatcher;
  #onLost: (reason: string) => void;
  #index: StoredIndex = { known: new Set(), chunked: new Map() };
  #headVersionstamp: string | null = null;
  #loaded = false;
  #lost = false;

  /** Storage for `roomId` (the lease, if any, is already held). */
  constructor(
    kv: KvLike,
    batcher: KvCommitBatcher,
    keys: RoomKeys,
    ctx: LoadContext,
    lease: Lease | null,
    onLost: (reason: string) => void,
  ) {
    this.#kv = kv;
    this.#batcher = batcher;
    this.#keys = keys;
    this.#roomId = ctx.roomId;
    this.#ctx = ctx;
    this.#lease = lease;
    this.#onLost = onLost;
  }

  /** Read the room; `undefined` when it was never stored. */
  async load(): Promise<RoomSnapshot | undefined> {
    const loaded = await loadRoom(this.#kv, this.#keys, this.#ctx);
    this.#index = loaded.index;
    this.#headVersionstamp = loaded.headVersionstamp;
    this.#loaded = true;
    return loaded.snapshot;
  }

  /** Make `commit` durable (atomic: all of it or none of it is ever visible). */
  async commit(commit: RoomCommit): Promise<void> {
    if (!this.#loaded) throw new Error(`Cannot commit to room "${this.#roomId}" before loading it`);
    if (this.#lost) {
      throw new CommitRefusedError(`Room "${this.#roomId}" is owned by another server`);
    }
    const head: StoredHead = {
      v: 1,
      documentClock: commit.documentClock,
      tombstoneHistoryStartsAtClock: commit.tombstoneHistoryStartsAtClock,
    };
    const mutations = planMutations(commit, this.#keys, this.#index);
    try {
      assertPlanFits(mutations, `room "${this.#roomId}"`);
    } catch (error) {
      this.#loaded = false; // the index now describes writes that never happen: reload first
      throw error;
    }
    if (fitsOneAtomic(mutations)) {
      const check = { key: this.#keys.head(), versionstamp: this.#headVersionstamp };
      const headSet = { key: this.#keys.head(), value: encodeJson(head) };
      return this.#commitHead(await this.#batcher.commit([check], [...mutations, headSet]));
    }
    await this.#commitJournaled(commit, head, mutations);
  }

  /** Send waiting commits and release the lease. */
  async close(): Promise<void> {
    this.#batcher.flush(); // a commit of this room waiting in the window goes out now
    await this.#lease?.release();
  }

  async #commitJournaled(
    commit: RoomCommit,
    head: StoredHead,
    mutations: ReturnType<typeof planMutations>,
  ) {
    const clock = commit.documentClock;
    const parts = splitBytes(encodeJson(commit));
    await writeBatches(
      this.#kv,
      parts.map((value, i) => ({ key: this.#keys.journalPart(clock, i), value })),
    );
    // The commit point: once the head names the journal, loading finishes the commit.
    this.#commitHead(
      await this.#headWrite({ ...head, journal: { clock, parts: parts.length } }).commit(),
    );
    await writeBatches(this.#kv, mutations);
    this.#commitHead(await this.#headWrite(head).commit());
    await writeBatches(
      this.#kv,
      parts.map((_, i) => ({ key: this.#keys.journalPart(clock, i), value: null })),
    );
  }

  #headWrite(head: StoredHead) {
    return this.#kv.atomic()
      .check({ key: this.#keys.head(), versionstamp: this.#headVersionstamp })
      .set(this.#keys.head(), encodeJson(head));
  }

  #commitHead(result: { ok: true; versionstamp: string } | { ok: false }): void {
    if (result.ok) {
      this.#headVersionstamp = result.versionstamp;
      return;
    }
    this.#lost = true;
    const reason = `Room "${this.#roomId}" was written by another server`;
    this.#onLost(reason);
    throw new CommitRefusedError(reason);
  }
}
