/**
 * The room's memory of deletions, kept as clock groups: every deletion committed at one document
 * clock forms one group, stamped with the wall time of that commit. Groups are ordered by clock,
 * so the oldest deletions are always at the front and can be dropped whole (a clock is never
 * split), and the ids deleted after a client's clock are read from the back without a sort.
 *
 * Storage keeps tombstones as `id → clock` only. Loaded tombstones are stamped with the load
 * time: their true age is unknown, so they are treated as fresh (never dropped for age earlier
 * than they would have been; the count and byte budgets still bound them).
 * @module
 */

/** Deletions committed at one clock. */
interface ClockGroup {
  readonly clock: number;
  readonly deletedAt: number;
  readonly ids: Set<string>;
}

/** Approximate bytes one tombstone holds in memory: its id (UTF-16) plus map bookkeeping. */
export function tombstoneBytes(id: string): number {
  return id.length * 2 + 48;
}

/** Deleted ids by clock, with their count, byte total and age. */
export class TombstoneLedger {
  #clockOf = new Map<string, number>();
  #groups: ClockGroup[] = [];
  #bytes = 0;

  /** A ledger holding `entries` (`id → clock`), all stamped `loadedAt`. */
  constructor(entries: Iterable<[string, number]> = [], loadedAt = 0) {
    const sorted = [...entries].sort((a, b) => a[1] - b[1]);
    for (const [id, clock] of sorted) this.record(id, clock, loadedAt);
  }

  /** Number of tombstones. */
  get size(): number {
    return this.#clockOf.size;
  }

  /** Approximate bytes held (see {@linkcode tombstoneBytes}). */
  get bytes(): number {
    return this.#bytes;
  }

  /** True when `id` has a tombstone. */
  has(id: string): boolean {
    return this.#clockOf.has(id);
  }

  /** The clock `id` was deleted at. */
  get(id: string): number | undefined {
    return this.#clockOf.get(id);
  }

  /** The oldest group's clock and deletion time, or `undefined` when empty. */
  oldest(): { clock: number; deletedAt: number } | undefined {
    return this.#groups[0];
  }

  /** Note that `id` was deleted at `clock` (wall time `at`). */
  record(id: string, clock: number, at: number): void {
    this.forget(id);
    let index = this.#groups.length;
    while (index > 0 && this.#groups[index - 1]!.clock > clock) index--;
    let group = this.#groups[index - 1];
    if (group?.clock !== clock) {
      group = { clock, deletedAt: at, ids: new Set() };
      this.#groups.splice(index, 0, group);
    }
    group.ids.add(id);
    this.#clockOf.set(id, clock);
    this.#bytes += tombstoneBytes(id);
  }

  /** `id` exists again: drop its tombstone. */
  forget(id: string): void {
    const clock = this.#clockOf.get(id);
    if (clock === undefined) return;
    this.#clockOf.delete(id);
    this.#bytes -= tombstoneBytes(id);
    const index = this.#groups.findLastIndex((g) => g.clock === clock);
    const group = this.#groups[index]!;
    group.ids.delete(id);
    if (group.ids.size === 0) this.#groups.splice(index, 1);
  }

  /** Drop the oldest clock group whole; returns its ids. */
  dropOldest(): string[] {
    const group = this.#groups.shift();
    if (!group) return [];
    for (const id of group.ids) {
      this.#clockOf.delete(id);
      this.#bytes -= tombstoneBytes(id);
    }
    return [...group.ids];
  }

  /** Ids deleted strictly after `clock`, newest groups first. */
  deletedAfter(clock: number): string[] {
    const out: string[] = [];
    for (let i = this.#groups.length - 1; i >= 0 && this.#groups[i]!.clock > clock; i--) {
      for (const id of this.#groups[i]!.ids) out.push(id);
    }
    return out;
  }

  /** Every tombstone as `[id, clock]`. */
  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.#clockOf.entries();
  }
}
