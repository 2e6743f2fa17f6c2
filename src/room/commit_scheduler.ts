/**
 * Hands the room's changes to storage one commit at a time. Changes made while a commit is in
 * flight are grouped into the next one (group commit), so durability costs little throughput.
 * @module
 */
import type { RoomCommit, RoomStorage } from "../storage/storage.ts";
import type { DocumentStore } from "./document_store.ts";
import type { DurabilityGate } from "./durability_gate.ts";
import type { EventChannel } from "../ports/event_channel.ts";
import type { RoomEventMap } from "./room_events.ts";
import type { TimeSource } from "../ports/time_source.ts";

/** Where durable commits are reported (the room's `commit` event). */
export interface CommitReport {
  events: EventChannel<RoomEventMap>;
  roomId: string;
  time: TimeSource;
}

/** Tracks which ids changed and commits them in clock order. */
export class CommitScheduler {
  #storage: RoomStorage;
  #store: DocumentStore;
  #gate: DurabilityGate;
  #onError: (error: unknown) => void;
  #report: CommitReport | undefined;
  #dirty = new Set<string>();
  #pruned = new Set<string>();
  #authors = new Set<string>();
  #replace = false;
  #schemaDirty = false;
  #inFlight = false;
  #scheduled = false;
  #failed = false;
  #waiters: { clock: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  /**
   * Commit `store`'s changes to `storage`, releasing `gate` as commits become durable (and
   * telling `report`, when given and someone listens).
   */
  constructor(
    storage: RoomStorage,
    store: DocumentStore,
    gate: DurabilityGate,
    onError: (error: unknown) => void,
    report?: CommitReport,
  ) {
    this.#storage = storage;
    this.#store = store;
    this.#gate = gate;
    this.#onError = onError;
    this.#report = report;
  }

  /**
   * Record that `ids` changed (their current state is read when the commit is built), by
   * `author` (a session's `authorize` user id) when known.
   */
  record(ids: Iterable<string>, prunedTombstones: readonly string[] = [], author?: string): void {
    for (const id of ids) this.#dirty.add(id);
    for (const id of prunedTombstones) this.#pruned.add(id);
    if (author !== undefined) this.#authors.add(author);
    this.#schedule();
  }

  /**
   * The next commit rewrites the whole room (snapshot import, migration on load, first save of
   * a new room). With `schedule` false it waits for the next change (a new room is not stored
   * until someone edits it).
   */
  recordReplace(schedule = true): void {
    this.#replace = true;
    if (!schedule) return;
    this.#schemaDirty = true;
    this.#schedule();
  }

  /** The schema or history start changed without record changes. */
  recordMetadata(): void {
    this.#schemaDirty = true;
    this.#schedule();
  }

  /** Resolves when every change recorded so far is durable. */
  flush(): Promise<void> {
    const clock = this.#store.documentClock;
    if (!this.#hasWork() && clock <= this.#gate.durableClock) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ clock, resolve, reject }));
  }

  #hasWork(): boolean {
    return this.#inFlight || this.#dirty.size > 0 || this.#pruned.size > 0 || this.#schemaDirty;
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight || this.#failed) return;
    this.#scheduled = true;
    // Wait a microtask so every change made in the current task lands in one commit.
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#commitNext();
    });
  }

  #commitNext(): void {
    if (this.#inFlight || this.#failed) return;
    if (!this.#hasWork()) return this.#settle();
    const commit = this.#build();
    // Nobody listening: no clock read and no payload (this runs once per group commit).
    const start = this.#report?.events.wants("commit") ? this.#report.time.now() : -1;
    let result: Promise<void> | void;
    try {
      result = this.#storage.commit(commit);
    } catch (error) {
      return this.#fail(error);
    }
    if (!result) return this.#done(commit, start);
    this.#inFlight = true;
    result.then(
      () => {
        this.#inFlight = false;
        this.#done(commit, start);
      },
      (error) => {
        this.#inFlight = false;
        this.#fail(error);
      },
    );
  }

  #build(): RoomCommit {
    const store = this.#store;
    const puts = [];
    const deletes: Record<string, number> = {};
    const pruned = new Set(this.#pruned);
    for (const id of this.#dirty) {
      const doc = store.documents.get(id);
      if (doc) puts.push(doc);
      else if (store.tombstones.has(id)) deletes[id] = store.tombstones.get(id)!;
      else pruned.add(id); // deleted, then its tombstone pruned before this commit
    }
    const commit: RoomCommit = {
      documentClock: store.documentClock,
      tombstoneHistoryStartsAtClock: store.tombstoneHistoryStartsAtClock,
      schema: store.schema,
      replace: this.#replace,
      puts: this.#replace ? [...store.documents.values()] : puts,
      deletes: this.#replace ? Object.fromEntries(store.tombstones) : deletes,
      prunedTombstones: this.#replace ? [] : [...pruned],
    };
    if (this.#report) commit.time = this.#report.time.now();
    if (this.#authors.size > 0) {
      commit.authors = [...this.#authors];
      this.#authors.clear();
    }
    this.#dirty.clear();
    this.#pruned.clear();
    this.#replace = false;
    this.#schemaDirty = false;
    return commit;
  }

  #done(commit: RoomCommit, start: number): void {
    this.#gate.advance(commit.documentClock);
    if (start >= 0) this.#reportCommit(commit, start);
    this.#settle();
    if (this.#hasWork()) this.#commitNext();
  }

  #reportCommit(commit: RoomCommit, start: number): void {
    const report = this.#report!;
    report.events.emit("commit", {
      roomId: report.roomId,
      clock: commit.documentClock,
      records: commit.puts.length + Object.keys(commit.deletes).length +
        commit.prunedTombstones.length,
      ms: report.time.now() - start,
    });
  }

  #settle(): void {
    const durable = this.#gate.durableClock;
    const ready = this.#waiters.filter((w) => w.clock <= durable);
    this.#waiters = this.#waiters.filter((w) => w.clock > durable);
    for (const w of ready) w.resolve();
  }

  #fail(error: unknown): void {
    this.#failed = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error);
    this.#onError(error);
  }
}
