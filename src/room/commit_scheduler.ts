/**
 * Hands the room's changes to storage one commit at a time. Changes made while a commit is in
 * flight are grouped into the next one (group commit), so durability costs little throughput.
 * A commit starts at the end of the task that made the change, or, when storage asks for a gather
 * period, with the next batch of the process's {@linkcode CommitTicker}; it is built when it
 * starts.
 * @module
 */
import type { RoomCommit, RoomStorage } from "../storage/storage.ts";
import type { DocumentStore } from "./document_store.ts";
import type { DurabilityGate } from "./durability_gate.ts";
import type { EventChannel } from "../ports/event_channel.ts";
import type { RoomEventMap } from "./room_events.ts";
import type { TimeSource } from "../ports/time_source.ts";
import { commitTickerFor } from "./commit_ticker.ts";

/**
 * Whether `storage` asks for a gather period: its commits are then paced, at most one per room
 * per period (the room's durability gate and outboxes rely on it).
 */
export function commitsPaced(storage: RoomStorage): boolean {
  return (storage.commitGatherMs ?? 0) > 0;
}

/** Where durable commits are reported (the room's `commit` event), and the room's clock. */
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
  #report: CommitReport;
  #dirty = new Set<string>();
  #pruned = new Set<string>();
  #authors = new Set<string>();
  #replace = false;
  #schemaDirty = false;
  #inFlight = false;
  /** The pending start, if any (a start that no longer matches it does nothing). */
  #ticket: (() => void) | null = null;
  #failed = false;
  #start: (run: () => void) => void;
  #waiters: { clock: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  /**
   * Commit `store`'s changes to `storage`, releasing `gate` as commits become durable (and
   * telling `report` when someone listens; its clock also times the gather period).
   */
  constructor(
    storage: RoomStorage,
    store: DocumentStore,
    gate: DurabilityGate,
    onError: (error: unknown) => void,
    report: CommitReport,
  ) {
    this.#storage = storage;
    this.#store = store;
    this.#gate = gate;
    this.#onError = onError;
    this.#report = report;
    if (commitsPaced(storage)) {
      const ticker = commitTickerFor(report.time, storage.commitGatherMs!);
      this.#start = (run) => ticker.schedule(run);
    } else {
      // Wait a microtask so every change made in the current task lands in one commit.
      this.#start = queueMicrotask;
    }
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

  /** Resolves when every change recorded so far is durable (a waiting commit starts now). */
  flush(): Promise<void> {
    if (this.#ticket) {
      this.#ticket = null;
      this.#commitNext();
    }
    const clock = this.#store.documentClock;
    if (!this.#hasWork() && clock <= this.#gate.durableClock) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ clock, resolve, reject }));
  }

  #hasWork(): boolean {
    return this.#inFlight || this.#dirty.size > 0 || this.#pruned.size > 0 || this.#schemaDirty;
  }

  #schedule(): void {
    if (this.#ticket || this.#inFlight || this.#failed) return;
    const ticket = (): void => {
      if (this.#ticket !== ticket) return; // flushed meanwhile
      this.#ticket = null;
      this.#commitNext();
    };
    this.#ticket = ticket;
    this.#start(ticket);
  }

  #commitNext(): void {
    if (this.#inFlight || this.#failed) return;
    if (!this.#hasWork()) return this.#settle();
    const commit = this.#build();
    // Nobody listening: no clock read and no payload (this runs once per group commit).
    const start = this.#report.events.wants("commit") ? this.#report.time.now() : -1;
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
    commit.time = this.#report.time.now();
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
    if (this.#hasWork()) this.#schedule();
  }

  #reportCommit(commit: RoomCommit, start: number): void {
    const report = this.#report;
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
