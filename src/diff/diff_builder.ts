/**
 * Collects the ops of one object's diff as they are found. The diff is only allocated when the
 * first op arrives, so comparing two equal objects allocates nothing.
 * @module
 */
import type { ObjectDiff, ValueOp } from "./network_diff.ts";

/** A lazily allocated {@linkcode ObjectDiff} under construction. */
export class DiffBuilder {
  #ops: ObjectDiff | null = null;

  /** Record `op` for `key`; a `null` op (no change) is dropped. */
  emit(key: string, op: ValueOp | null): void {
    if (op === null) return;
    (this.#ops ??= {})[key] = op;
  }

  /** The collected diff, or `null` when no op was emitted. */
  finish(): ObjectDiff | null {
    return this.#ops;
  }
}
