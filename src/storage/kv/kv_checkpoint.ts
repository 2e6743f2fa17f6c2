/**
 * Write a checkpoint: the document keys brought up to a {@linkcode RoomDelta} (in as many
 * atomics as the limits need; with the log kept, the delta's shared-journal entries are copied to
 * the room's log too), then one atomic that flips the head to the delta's clock (the schema key
 * goes with it), then the log entries the checkpoint covers are deleted (unless the log is kept;
 * as many as fit go in the flip's atomic; journal values are released by the caller). Every atomic is checked against the
 * head's versionstamp, so a writer that lost the room never overwrites a document. A small
 * checkpoint is all one atomic.
 *
 * A crash before the flip leaves document keys that hold, per record, its state at some clock
 * between the old head and the delta: replaying the log after the old head overwrites every such
 * record again, so loading is unaffected. A crash after the flip leaves entries at or below the
 * head, which loading ignores (and deletes).
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import { addMutations, AtomicPacker, costOf, packAtomics, writeBatches } from "./atomic_packer.ts";
import { historyLogWrites } from "./kv_history_merge.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import { type Mutation, mutationProblem } from "./kv_limits.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { logEntryDeletes } from "./kv_log_write.ts";
import { planMutations } from "./kv_plan.ts";
import type { RoomDelta } from "./kv_room_delta.ts";
import type { StoredHead, StoredIndex } from "./kv_records.ts";

/** The result of an atomic. */
export type FlipResult = { ok: true; versionstamp: string } | { ok: false };

/** What a checkpoint needs. */
export interface CheckpointJob {
  kv: KvLike;
  keys: RoomKeys;
  /** The writer's index of document keys (updated as planned). */
  index: StoredIndex;
  delta: RoomDelta;
  /** The head to write. */
  head: StoredHead;
  /** The schema when the delta names none. */
  schema: SerializedSchema;
  keepLog: boolean;
  /** With `keepLog`: see `kv_history_merge.ts` (0: every journaled entry its own log entry). */
  logResolutionMs?: number;
  ctx: LoadContext;
  /**
   * Commit `mutations` in one atomic checked against the current head versionstamp (the caller
   * serializes it with appends): every document batch, and last the head flip (`head`: the caller
   * writes it in the same atomic, with its journal pointer as of then; its versionstamp is then
   * the atomic's).
   */
  flip: (mutations: Mutation[], head: StoredHead | null) => Promise<FlipResult>;
}

/** Bytes kept for the head the flip's caller adds (a head with a journal pointer is ~200). */
const HEAD_VALUE_BYTES = 400;

/** Write `job`'s checkpoint; `{ ok: false }` when the head changed under it (room lost). */
export async function writeCheckpoint(job: CheckpointJob): Promise<FlipResult> {
  const { keys, ctx } = job;
  const commit = job.delta.toCommit(job.schema, job.head.tombstoneHistoryStartsAtClock);
  const schemaAt = keys.root.length;
  const docs: Mutation[] = [];
  const final: Mutation[] = [];
  if (job.keepLog) {
    // Entries of the shared journal become the room's own log (history keeps it).
    docs.push(...historyLogWrites(keys, job.delta.entries, job.logResolutionMs ?? 0));
  }
  for (const m of planMutations(commit, keys, job.index)) {
    const problem = mutationProblem(m);
    if (problem) ctx.skip(m.key, `checkpoint write skipped: ${problem}`);
    else if (m.key.length === schemaAt + 1 && m.key[schemaAt] === "schema") final.push(m);
    else docs.push(m);
  }
  const check = [{ key: keys.head() }];
  const headRoom: Mutation = { key: keys.head(), value: new Uint8Array(HEAD_VALUE_BYTES) };
  const batches = packAtomics(docs, (m) => costOf([m]));
  let last = batches.pop() ?? [];
  const packer = new AtomicPacker();
  packer.add(costOf(last, check));
  if (!packer.fits(costOf([...final, headRoom]))) {
    batches.push(last);
    last = [];
    packer.reset();
    packer.add(costOf([], check));
  }
  packer.add(costOf([...final, headRoom]));
  // Every batch is checked against the head too: a writer that lost the room writes nothing.
  for (const batch of batches) {
    const result = await job.flip(batch, null);
    if (!result.ok) return result;
  }
  const logDeletes = job.keepLog
    ? []
    : job.delta.entries.flatMap((e) =>
      e.json || e.seq ? [] : logEntryDeletes(keys, e.clock, e.parts)
    );
  let deletes = 0;
  while (deletes < logDeletes.length && packer.fits(costOf([logDeletes[deletes]!]))) {
    packer.add(costOf([logDeletes[deletes++]!]));
  }
  const result = await job.flip([...last, ...final, ...logDeletes.slice(0, deletes)], job.head);
  if (result.ok && deletes < logDeletes.length) {
    await writeBatches(job.kv, logDeletes.slice(deletes), "KV log cleanup failed");
  }
  return result;
}

/** Write `mutations` (parts of a log entry) in atomics that each also hold `checks`. */
export async function writeChecked(
  kv: KvLike,
  checks: { key: KvKey; versionstamp: string | null }[],
  mutations: Mutation[],
): Promise<boolean> {
  for (const batch of packAtomics(mutations, (m) => costOf([m]))) {
    const result = await addMutations(kv.atomic().check(...checks), batch).commit();
    if (!result.ok) return false;
  }
  return true;
}
