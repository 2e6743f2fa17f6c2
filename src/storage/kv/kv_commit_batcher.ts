/**
 * Group commit across rooms: the commits made in one task (the rooms the commit ticker started
 * together, `src/room/commit_ticker.ts`) and those that arrive while atomics are in flight are
 * packed into the next atomic (within KV's limits), so many rooms share each write. When to
 * commit is the rooms' business (their gather period); this only packs what it is given, at the
 * end of the task it was given in, or at once when `urgent`. Acknowledgements wait for the commit.
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
  resolve: (result: AtomicResult) => void;
  reject: (error: unknown) => void;
}

/** Options of {@linkcode KvCommitBatcher}. */
export interface KvCommitBatcherOptions {
  /** Checks per atomic (bounds how many rooms share one). */
  maxChecks: number;
  /** Atomics in flight at once. Default 1. */
  maxInFlight?: number;
  /** Where journal items go (commits with one need it). */
  journal?: SharedJournal;
}

/** Packs concurrent atomic commits into shared atomics. */
export class KvCommitBatcher {
  #kv: KvLike;
  #maxChecks: number;
  #maxInFlight: number;
  #journal: SharedJournal | undefined;
  #queue: Request[] = [];
  #inFlight = 0;
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
    this.#journal = options.journal;
  }

  /**
   * Commit `mutations` if every check holds, alone or packed with the others of this task
   * (`urgent`: send it, and whatever waits, now, as {@linkcode flush} does). `journal`: an
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
    return new Promise((resolve, reject) => {
      this.#queue.push({ checks, mutations, journal, cost, resolve, reject });
      if (urgent) this.#pump();
      else if (!this.#pumpQueued) {
        this.#pumpQueued = true;
        queueMicrotask(() => {
          this.#pumpQueued = false;
          this.#pump();
        });
      }
    });
  }

  /** Send every waiting commit now (a room closing), without waiting for the end of the task. */
  flush(): void {
    this.#pump();
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
      const group = this.#take();
      this.#inFlight++;
      void this.#send(group);
    }
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
