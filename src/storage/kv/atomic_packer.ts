/**
 * Packing KV writes into atomics within KV's limits: the one place that counts what an atomic
 * under construction holds (mutations, checks, bytes of keys plus values, bytes of keys) against
 * {@linkcode ATOMIC_BUDGET} and the check limit. Every writer that spreads work over several
 * atomics (room plans and journals, the cross-room commit batcher, asset parts and sweeps, the
 * cluster bus) packs through it, so a limit is changed in `kv_limits.ts` and nowhere else.
 *
 * Packing is greedy and keeps order: an entry goes into the current atomic while it fits, else it
 * starts the next one. An entry too big for an empty atomic gets one of its own (KV then refuses
 * it; {@linkcode mutationProblem} catches single writes that can never fit, before planning).
 * @module
 */
import type { KvAtomicLike, KvKey, KvLike } from "./kv_like.ts";
import { ATOMIC_BUDGET, keyBytes, KV_LIMITS, type Mutation } from "./kv_limits.ts";

/** What an entry (some mutations and checks) adds to an atomic. */
export interface AtomicCost {
  /** Sets and deletes. */
  mutations: number;
  /** Versionstamp checks. */
  checks: number;
  /** Bytes of mutation keys plus values. */
  bytes: number;
  /** Bytes of keys, mutations' and checks' (KV limits both). */
  keyBytes: number;
}

/** The cost of `mutations` (a `null` value is a delete) and `checks`. */
export function costOf(
  mutations: readonly { key: KvKey; value: Uint8Array | null }[],
  checks: readonly { key: KvKey }[] = [],
): AtomicCost {
  const cost: AtomicCost = {
    mutations: mutations.length,
    checks: checks.length,
    bytes: 0,
    keyBytes: 0,
  };
  for (const m of mutations) {
    const k = keyBytes(m.key);
    cost.bytes += k + (m.value?.length ?? 0);
    cost.keyBytes += k;
  }
  for (const c of checks) cost.keyBytes += keyBytes(c.key);
  return cost;
}

/** Running totals of one atomic being packed. */
export class AtomicPacker {
  #maxChecks: number;
  #total: AtomicCost = { mutations: 0, checks: 0, bytes: 0, keyBytes: 0 };

  /**
   * Pack within {@linkcode ATOMIC_BUDGET} and `maxChecks` checks per atomic (default KV's 10;
   * native Deno KV takes more).
   */
  constructor(maxChecks: number = KV_LIMITS.maxChecks) {
    this.#maxChecks = maxChecks;
  }

  /** True when nothing was added since the last reset. */
  get isEmpty(): boolean {
    return this.#total.mutations === 0 && this.#total.checks === 0;
  }

  /** Whether adding `cost` keeps the atomic within the budget. */
  fits(cost: AtomicCost): boolean {
    const t = this.#total;
    return t.mutations + cost.mutations <= ATOMIC_BUDGET.mutations &&
      t.checks + cost.checks <= this.#maxChecks &&
      t.bytes + cost.bytes <= ATOMIC_BUDGET.bytes &&
      t.keyBytes + cost.keyBytes <= ATOMIC_BUDGET.keyBytes;
  }

  /** Whether `cost` must start a new atomic (it does not fit and this one is not empty). */
  full(cost: AtomicCost): boolean {
    return !this.isEmpty && !this.fits(cost);
  }

  /** Count `cost` in. */
  add(cost: AtomicCost): void {
    const t = this.#total;
    t.mutations += cost.mutations;
    t.checks += cost.checks;
    t.bytes += cost.bytes;
    t.keyBytes += cost.keyBytes;
  }

  /** Start the next atomic. */
  reset(): void {
    this.#total = { mutations: 0, checks: 0, bytes: 0, keyBytes: 0 };
  }
}

/** `items` split, in order, into batches that each fit one atomic. */
export function packAtomics<T>(
  items: Iterable<T>,
  cost: (item: T) => AtomicCost,
  maxChecks?: number,
): T[][] {
  const packer = new AtomicPacker(maxChecks);
  const batches: T[][] = [];
  let batch: T[] = [];
  for (const item of items) {
    const c = cost(item);
    if (packer.full(c)) {
      batches.push(batch);
      batch = [];
      packer.reset();
    }
    batch.push(item);
    packer.add(c);
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/** Apply mutations to `op`. */
export function addMutations(op: KvAtomicLike, mutations: readonly Mutation[]): KvAtomicLike {
  for (const m of mutations) {
    if (m.value === null) op.delete(m.key);
    else if (m.expireIn !== undefined) op.set(m.key, m.value, { expireIn: m.expireIn });
    else op.set(m.key, m.value);
  }
  return op;
}

/**
 * Write `mutations` in as many atomics as the limits need, one after another (each batch atomic
 * on its own). Throws `failure` when KV refuses a batch.
 */
export async function writeBatches(
  kv: KvLike,
  mutations: readonly Mutation[],
  failure = "KV batch write failed",
): Promise<void> {
  for (const batch of packAtomics(mutations, (m) => costOf([m]))) {
    const result = await addMutations(kv.atomic(), batch).commit();
    if (!result.ok) throw new Error(failure);
  }
}
