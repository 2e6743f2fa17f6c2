/**
 * Group commit across rooms: while one atomic is in flight, the commits of every room that
 * arrive are packed into the next one (within KV's limits), so many rooms share each fsync.
 * Each room keeps its own head check; if a packed atomic fails a check, its commits are retried
 * one by one so only the room that lost its head is refused.
 * @module
 */
import type { KvKey, KvLike } from "./kv_like.ts";
import { addMutations, type Mutation, mutationBytes } from "./kv_plan.ts";

/** The result of one atomic. */
export type AtomicResult = { ok: true; versionstamp: string } | { ok: false };

interface Request {
  checks: { key: KvKey; versionstamp: string | null }[];
  mutations: Mutation[];
  bytes: number;
  resolve: (result: AtomicResult) => void;
  reject: (error: unknown) => void;
}

/** Packs concurrent atomic commits into shared atomics. */
export class KvCommitBatcher {
  #kv: KvLike;
  #maxChecks: number;
  #queue: Request[] = [];
  #running = false;

  /** Batch commits to `kv`, at most `maxChecks` checks per atomic. */
  constructor(kv: KvLike, maxChecks: number) {
    this.#kv = kv;
    this.#maxChecks = maxChecks;
  }

  /** Commit `mutations` if every check holds, alone or packed with others. */
  commit(checks: Request["checks"], mutations: Mutation[]): Promise<AtomicResult> {
    const bytes = mutations.reduce((n, m) => n + mutationBytes(m), 0);
    return new Promise((resolve, reject) => {
      this.#queue.push({ checks, mutations, bytes, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#take();
        await this.#commitGroup(group);
      }
    } finally {
      this.#running = false;
    }
  }

  #take(): Request[] {
    const group: Request[] = [];
    let checks = 0, mutations = 0, bytes = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      const fits = checks + next.checks.length <= this.#maxChecks &&
        mutations + next.mutations.length <= 900 && bytes + next.bytes <= 700_000;
      if (!fits && group.length > 0) break;
      group.push(this.#queue.shift()!);
      checks += next.checks.length;
      mutations += next.mutations.length;
      bytes += next.bytes;
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
