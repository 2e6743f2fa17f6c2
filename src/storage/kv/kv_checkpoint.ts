/**
 * Write a checkpoint: the document keys brought up to a {@linkcode RoomDelta} (in as many
 * atomics as the limits need), then one atomic that flips the head to the delta's clock (checked
 * against the head's versionstamp; the schema key goes with it), then the log entries the
 * checkpoint covers are deleted (unless the log is kept). A small checkpoint is all one atomic.
 *
 * A crash before the flip leaves document keys that hold, per record, its state at some clock
 * between the old head and the delta: replaying the log after the old head overwrites every such
 * record again, so loading is unaffected. A crash after the flip leaves entries at or below the
 * head, which loading ignores (and deletes).
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import { addMutations, AtomicPacker, costOf, packAtomics, writeBatches } from "./atomic_packer.ts";
import { encodeJson } from "./kv_codec.ts";
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
  ctx: LoadContext;
  /**
   * Commit the head flip: `mutations` in one atomic checked against the current head
   * versionstamp (the caller serializes it with appends).
   */
  flip: (mutations: Mutation[]) => Promise<FlipResult>;
}

/** Write `job`'s checkpoint; `{ ok: false }` when the head changed under it (room lost). */
export async function writeCheckpoint(job: CheckpointJob): Promise<FlipResult> {
  const { keys, ctx } = job;
  const commit = job.delta.toCommit(job.schema, job.head.tombstoneHistoryStartsAtClock);
  const schemaKey = JSON.stringify(keys.schema());
  const docs: Mutation[] = [];
  const final: Mutation[] = [];
  for (const m of planMutations(commit, keys, job.index)) {
    const problem = mutationProblem(m);
    if (problem) ctx.skip(m.key, `checkpoint write skipped: ${problem}`);
    else if (JSON.stringify(m.key) === schemaKey) final.push(m);
    else docs.push(m);
  }
  final.push({ key: keys.head(), value: encodeJson(job.head) });
  const logDeletes = job.keepLog
    ? []
    : job.delta.entries.flatMap((e) => logEntryDeletes(keys, e.clock, e.parts));
  const packer = new AtomicPacker();
  packer.add(costOf(final, [{ key: keys.head() }]));
  const inline = packer.fits(costOf(docs)) ? docs : [];
  if (inline.length === 0) await writeBatches(job.kv, docs, "KV checkpoint write failed");
  else packer.add(costOf(inline));
  let deletes = 0;
  while (deletes < logDeletes.length && packer.fits(costOf([logDeletes[deletes]!]))) {
    packer.add(costOf([logDeletes[deletes++]!]));
  }
  const result = await job.flip([...inline, ...final, ...logDeletes.slice(0, deletes)]);
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
