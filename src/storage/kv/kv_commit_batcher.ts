/**
 * Group commit across rooms: the commits of every room that arrive while atomics are in flight,
 * or within a short gather window under load, are packed into the next atomic (within KV's
 * limits), so many rooms share each write.
 * The window is adaptive: an idle server (the previous commit arrived longer than a window ago
 * and a slot is free) commits at once; under load a commit waits at most `windowMs` from its
 * arrival, or less when the atomic it would go in is full. Acknowledgements still wait for the
 * commit.
 * Each room keeps its own head check; if a packed atomic fails a check, its commits are retried
 * one by one so only the room that lost its head is refused.
 * With a {@linkcode SharedJournal}, a commit may carry a journal item instead of its own log key:
 * the items of one atomic are written as one journal value (or a few, each within the value
 * limit), and journal values no room needs any more are deleted in the same atomic.
 * @module
 */
import type { KvKey, KvLike } from "./kv_like.ts";
import { addMutations, type AtomicCost, AtomicPacker, costOf } from "./atomic_packer.ts";
import type { Mutation } from "./kv_limits.ts";
import {
  encodeJournalValue,
  JOURNAL_VALUE_BYTES,
  type JournalItem,
  journalItemBytes,
  type SharedJournal,
} from "./kv_shared_journal.ts";
import { keepAliveTime, type TimerHandle, type TimeSource } from "../../ports/time_source.ts";

/** The result of one atomic (`seq`: the journal value the commit's journal item went into). */
export type AtomicResult = { ok: true; versionstamp: string; seq?: number } | { ok: false };

/** A room's entry for the shared journal, and the head it writes with it (a claim), if any. */
export interface JournalWrite extends JournalItem {
  /** The head write to go with the entry, given the sequence number of the value it lands in. */
  head?: (seq: number) => Mutation;
  /**
   * The entry as the room's own log key: written instead when it would be the atomic's only
   * journal item (one key either way, and nothing to copy or delete later).
   */
  solo?: Mutation;
}

interface Request {
  checks: { key: KvKey; versionstamp: string | null }[];
  mutations: Mutation[];
  journal: JournalWrite | undefined;
  cost: AtomicCost;
  at: number;
  seq: number;
  resolve: (result: AtomicResult) => void;
  reject: (error: unknown) => void;
}

/** Options of {@linkcode KvCommitBatcher}. */
export interface KvCommitBatcherOptions {
  /** Checks per atomic (bounds how many rooms share one). */
  maxChecks: number;
  /** Atomics in flight at once. Default 1. */
  maxInFlight?: number;
  /** Longest a commit waits for others under load, in ms (0: never wait). Default 0. */
  windowMs?: number;
  /** Clock and timers (default the system's, timers kept alive). */
  time?: TimeSource;
  /** Where journal items go (commits with one need it). */
  journal?: SharedJournal;
  /**
   * Send at the end of the current task rather than at once, so commits made in one task (rooms
   * started together, see `commit_ticker.ts`) share an atomic. Default false.
   */
  gatherTask?: boolean;
}

/** Packs concurrent atomic commits into shared atomics. */
export class KvCommitBatcher {
  #kv: KvLike;
  #maxChecks: number;
  #maxInFlight: number;
  #windowMs: number;
  #time: TimeSource;
  #journal: SharedJournal | undefined;
  #queue: Request[] = [];
  #inFlight = 0;
  #lastArrival = -Infinity;
  #busy = false;
  #seq = 0;
  /** Requests up to this sequence number go out without waiting (flushed or window over). */
  #releaseSeq = 0;
  #timer: TimerHandle | null = null;
  #gatherTask: boolean;
  #pumpQueued = false;

  /**
   * Batch commits to `kv`. Atomics in flight together never hold two commits of one room (a room
   * commits one at a time), so their order does not matter. Measured (100 rooms × 5 sessions):
   * native Deno KV gains from 4 in flight, `@deno/kv` on Bun loses (its commits serialize anyway;
   * packing wins).
   */
  constructor(kv: KvLike, options: KvCommitBatcherOptions) {
    this.#kv = kv;
    this.#maxChecks = options.maxChecks;
    this.#maxInFlight = options.maxInFlight ?? 1;
    this.#windowMs = Math.max(0, options.windowMs ?? 0);
    this.#time = options.time ?? keepAliveTime;
    this.#journal = options.journal;
    this.#gatherTask = options.gatherTask ?? false;
  }

  /**
   * Commit `mutations` if every check holds, alone or packed with others (`urgent`: send it, and
   * whatever waits, without waiting for the window, as {@linkcode flush} does). `journal`: an
   * entry for the shared journal (needs the batcher's journal).
   */
  commit(
    checks: Request["checks"],
    mutations: Mutation[],
    urgent = false,
    journal?: JournalWrite,
  ): Promise<AtomicResult> {
    if (journal && !this.#journal) throw new Error("This batcher has no shared journal");
    const cost = costOf(mutations, checks);
    if (journal) {
      // Counted as a value of its own (values hold several) plus the head it may write.
      cost.mutations += journal.head ? 2 : 1;
      cost.bytes += journalItemBytes(journal) + 200;
      cost.keyBytes += 200;
    }
    const at = this.#time.now();
    // Under load: the previous commit came less than a window ago, or an atomic is in flight.
    this.#busy = at - this.#lastArrival < this.#windowMs || this.#inFlight > 0;
    this.#lastArrival = at;
    return new Promise((resolve, reject) => {
      this.#queue.push({
        checks,
        mutations,
        journal,
        cost,
        at,
        seq: ++this.#seq,
        resolve,
        reject,
      });
      if (urgent) this.#release();
      if (urgent || !this.#gatherTask) this.#pump();
      else if (!this.#pumpQueued) {
        this.#pumpQueued = true;
        queueMicrotask(() => {
          this.#pumpQueued = false;
          this.#pump();
        });
      }
    });
  }

  /** Send every waiting commit now (a room closing), without waiting for the window. */
  flush(): void {
    this.#release();
    this.#pump();
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
      const wait = this.#waitMs();
      if (wait > 0) return this.#wake(wait);
      const group = this.#take();
      this.#inFlight++;
      void this.#send(group);
    }
    this.#cancelWake();
  }

  /** How long the head of the queue should still wait for others (0: send now). */
  #waitMs(): number {
    const head = this.#queue[0]!;
    if (
      head.seq <= this.#releaseSeq || !this.#busy || this.#windowMs === 0 || this.#firstAtomicFull()
    ) return 0;
    return Math.max(0, head.at + this.#windowMs - this.#time.now());
  }

  #release(): void {
    this.#releaseSeq = this.#seq;
  }

  #wake(ms: number): void {
    if (this.#timer !== null) return;
    this.#timer = this.#time.setTimeout(() => {
      this.#timer = null;
      this.#release(); // the window is over: whatever waits goes out
      this.#pump();
    }, ms);
  }

  #cancelWake(): void {
    if (this.#timer === null) return;
    this.#time.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Whether the queue holds more than one atomic can take. */
  #firstAtomicFull(): boolean {
    const packer = new AtomicPacker(this.#maxChecks);
    for (const r of this.#queue) {
      if (packer.full(r.cost)) return true;
      packer.add(r.cost);
    }
    return false;
  }

  #take(): Request[] {
    const group: Request[] = [];
    const packer = new AtomicPacker(this.#maxChecks);
    while (this.#queue.length > 0 && !packer.full(this.#queue[0]!.cost)) {
      const next = this.#queue.shift()!;
      group.push(next);
      packer.add(next.cost);
    }
    return group;
  }

  /** Commit `group`, free its slot, then answer its requests (so they see the slot free). */
  async #send(group: Request[]): Promise<void> {
    const answers: (() => void)[] = [];
    try {
      await this.#commitGroup(group, answers);
    } finally {
      this.#inFlight--;
      for (const answer of answers) answer();
      this.#pump();
    }
  }

  async #commitGroup(group: Request[], answers: (() => void)[]): Promise<void> {
    const journal = this.#journal;
    const deletes = journal ? journal.takeDeletes() : [];
    let values: JournalValue[] = [];
    try {
      const op = this.#kv.atomic();
      for (const r of group) {
        if (r.checks.length) op.check(...r.checks);
        addMutations(op, r.mutations);
      }
      if (journal) {
        values = this.#journalValues(group, journal);
        if (values.length === 0) {
          for (const r of group) if (r.journal?.solo) addMutations(op, [r.journal.solo]);
        }
        for (const v of values) {
          op.set(journal.key(v.seq), encodeJournalValue(v.items.map((r) => r.journal!)));
          for (const r of v.items) {
            const head = r.journal!.head?.(v.seq);
            if (head) addMutations(op, [head]);
          }
        }
        addMutations(op, deletes);
      }
      const result = await op.commit();
      if (result.ok) {
        for (const v of values) journal!.written(v.seq, v.items.length);
        const seqOf = new Map(values.flatMap((v) => v.items.map((r) => [r, v.seq] as const)));
        for (const r of group) {
          const seq = seqOf.get(r);
          answers.push(() => r.resolve(seq === undefined ? result : { ...result, seq }));
        }
        return;
      }
      journal?.giveBack(deletes);
      if (group.length === 1) return void answers.push(() => group[0]!.resolve(result));
    } catch (error) {
      journal?.giveBack(deletes);
      if (group.length === 1) return void answers.push(() => group[0]!.reject(error));
    }
    // A check failed (or the packed atomic errored): find out which, one commit at a time.
    for (const r of group) await this.#commitGroup([r], answers);
  }

  /**
   * The group's journal items as values within the value limit, each with its number; a lone item
   * that can be written as its room's own log key is (no value: `[]`).
   */
  #journalValues(group: Request[], journal: SharedJournal): JournalValue[] {
    const items = group.filter((r) => r.journal);
    if (items.length === 1 && items[0]!.journal!.solo) return [];
    const values: JournalValue[] = [];
    let current: JournalValue | null = null;
    let bytes = 0;
    for (const r of group) {
      if (!r.journal) continue;
      const size = journalItemBytes(r.journal);
      if (!current || bytes + size > JOURNAL_VALUE_BYTES) {
        current = { seq: journal.take(), items: [] };
        values.push(current);
        bytes = 32;
      }
      current.items.push(r);
      bytes += size;
    }
    return values;
  }
}

/** One journal value of an atomic: its number and the commits in it. */
interface JournalValue {
  seq: number;
  items: Request[];
}
