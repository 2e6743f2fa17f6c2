/**
 * Group commit across rooms: while atomics are in flight, the commits of every room that arrive
 * are packed into the next one (within KV's limits), so many rooms share each write.
 * Each room keeps its own head check; if a packed atomic fails a check, its commits are retried
 * one by one so only the room that lost its head is refused.
 * @module
 */
import type { KvKey, KvLike } from "./kv_like.ts";
import { addMutations, type AtomicCost, AtomicPacker, costOf } from "./atomic_packer.ts";
import type { Mutation } from "./kv_limits.ts";

/** The result of one atomic. */
export type AtomicResult = { ok: true; versionstamp: string } | { ok: false };

interface Request {
  checks: { key: KvKey; versionstamp: string | null }[];
  mutations: Mutation[];
  cost: AtomicCost;
  resolve: (result: AtomicResult) => void;
  reject: (error: unknown) => void;
}

/** Packs concurrent atomic commits into shared atomics. */
export class KvCommitBatcher {
  #kv: KvLike;
  #maxChecks: number;
  #maxInFlight: number;
  #queue: Request[] = [];
  #inFlight = 0;

  /**
   * Batch commits to `kv`, at most `maxChecks` checks per atomic and `maxInFlight` atomics at
   * once. Atomics in flight together never hold two commits of one room (a room commits one at a
   * time), so their order does not matter. Measured (100 rooms × 5 sessions): native Deno KV gains
   * from 4 in flight, `@deno/kv` on Bun loses (its commits serialize anyway; packing wins).
   */
  constructor(kv: KvLike, maxChecks: number, maxInFlight = 1) {
    this.#kv = kv;
    this.#maxChecks = maxChecks;
    this.#maxInFlight = maxInFlight;
  }

  /** Commit `mutations` if every check holds, alone or packed with others. */
  commit(checks: Request["checks"], mutations: Mutation[]): Promise<AtomicResult> {
    const cost = costOf(mutations, checks);
    return new Promise((resolve, reject) => {
      this.#queue.push({ checks, mutations, cost, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
      const group = this.#take();
      this.#inFlight++;
      void this.#commitGroup(group).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
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

  async #commitGroup(group: Request[]): Promise<void> {
    try {
      const op = this.#kv.atomic();
      for (const r of group) {
        if (r.checks.length) op.check(...r.checks);
        addMutations(op, r.mutations);
      }
      const result = await op.commit();
      if (result.ok || group.length === 1) {
        for (const r of group) r.resolve(result);
        return;
      }
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
    }
    // A check failed (or the packed atomic errored): find out which, one commit at a time.
    for (const r of group) await this.#commitGroup([r]);
  }
}
