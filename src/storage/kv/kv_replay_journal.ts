/**
 * Finish a journaled commit whose head flip happened but whose document writes may not have.
 * Replay never fails on what is stored: a missing or undecodable journal, a malformed entry in
 * it, or a write KV can never take (e.g. a key over its limit, journaled by an older version) is
 * skipped and reported, and the head is cleared, so no stored journal can brick a room.
 * @module
 */
import type { RoomCommit } from "../storage.ts";
import { decodeValue, encodeJson, joinBytes } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import { type Mutation, mutationProblem } from "./kv_limits.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { writeBatches } from "./atomic_packer.ts";
import { planMutations } from "./kv_plan.ts";
import { readDocs } from "./kv_read_docs.ts";
import { isRecordOf, type StoredHead, validJournal } from "./kv_records.ts";

/** Apply `head`'s journal (as far as it can be applied) and clear it from the head. */
export async function replayJournal(
  kv: KvLike,
  keys: RoomKeys,
  head: StoredHead,
  ctx: LoadContext,
): Promise<void> {
  const journal = head.journal;
  const stored: Mutation[] = [];
  if (validJournal(journal)) {
    const parts: Uint8Array[] = [];
    for await (const entry of kv.list<Uint8Array>({ prefix: keys.journal(journal.clock) })) {
      stored.push({ key: entry.key, value: null });
      const i = entry.key[entry.key.length - 1];
      if (typeof i === "number" && i >= 0 && i < journal.parts) parts[i] = entry.value;
    }
    const key = keys.journal(journal.clock);
    const present = parts.filter((p) => p instanceof Uint8Array).length;
    if (present !== journal.parts) {
      ctx.skip(key, `journal incomplete (${present}/${journal.parts})`);
    } else await applyJournal(kv, keys, key, joinBytes(parts), ctx);
  } else {
    ctx.skip(keys.head(), "malformed journal pointer");
  }
  const { journal: _done, ...clean } = head;
  const headEntry = await kv.get(keys.head());
  const result = await kv.atomic().check({ key: keys.head(), versionstamp: headEntry.versionstamp })
    .set(keys.head(), encodeJson(clean)).commit();
  if (!result.ok) {
    throw new Error(`Cannot load ${ctx.what}: the room changed while replaying its journal`);
  }
  await writeBatches(kv, stored);
}

async function applyJournal(
  kv: KvLike,
  keys: RoomKeys,
  key: KvKey,
  bytes: Uint8Array,
  ctx: LoadContext,
): Promise<void> {
  const decoded = decodeValue(bytes);
  const commit = decoded.ok ? sanitizeCommit(decoded.value, key, ctx) : null;
  if (!commit) {
    ctx.skip(key, decoded.ok ? "not a commit" : decoded.reason);
    return;
  }
  const { index } = await readDocs(kv, keys, ctx.quiet());
  const mutations = planMutations(commit, keys, index).filter((m) => {
    const problem = mutationProblem(m);
    if (problem) ctx.skip(m.key, `journaled write skipped: ${problem}`);
    return !problem;
  });
  await writeBatches(kv, mutations);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The well-formed part of a journaled commit (malformed entries reported and dropped). */
function sanitizeCommit(v: unknown, key: KvKey, ctx: LoadContext): RoomCommit | null {
  if (!isObject(v) || !isObject(v.schema)) return null;
  const puts: RoomCommit["puts"] = [];
  const skipped = (what: string): void => ctx.skip(key, `malformed journal entry: ${what}`);
  for (const [i, put] of (Array.isArray(v.puts) ? v.puts : []).entries()) {
    const state = isObject(put) ? put.state : undefined;
    const id = isObject(state) ? state.id : undefined;
    const clock = isObject(put) ? put.lastChangedClock : undefined;
    if (typeof id === "string" && isRecordOf(state, id) && typeof clock === "number") {
      puts.push({ state, lastChangedClock: clock });
    } else skipped(`put #${i}`);
  }
  const deletes: Record<string, number> = {};
  for (const [id, clock] of Object.entries(isObject(v.deletes) ? v.deletes : {})) {
    if (typeof clock === "number") deletes[id] = clock;
    else skipped(`delete of "${id.slice(0, 100)}"`);
  }
  const pruned = Array.isArray(v.prunedTombstones) ? v.prunedTombstones : [];
  return {
    documentClock: Number(v.documentClock) || 0,
    tombstoneHistoryStartsAtClock: Number(v.tombstoneHistoryStartsAtClock) || 0,
    schema: v.schema as unknown as RoomCommit["schema"],
    replace: v.replace === true,
    puts,
    deletes,
    prunedTombstones: pruned.filter((id): id is string => typeof id === "string"),
  };
}
