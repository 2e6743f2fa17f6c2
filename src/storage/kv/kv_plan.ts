/**
 * Turn a RoomCommit into KV mutations, and split mutations into atomics within KV's limits.
 * @module
 */
import type { RoomCommit } from "../storage.ts";
import { encodeJson, PART_BYTES, splitBytes } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvAtomicLike, KvKey, KvLike } from "./kv_like.ts";
import type { StoredIndex } from "./kv_records.ts";
import type { SerializedSchema } from "@tldraw/store";

const schemaJsonCache = new WeakMap<SerializedSchema, string>();
const encoder = new TextEncoder();

/** The JSON of a serialized schema, computed once per schema object. */
function schemaJsonOf(schema: SerializedSchema): string {
  let json = schemaJsonCache.get(schema);
  if (json === undefined) schemaJsonCache.set(schema, json = JSON.stringify(schema));
  return json;
}

/** One write or delete. */
export type Mutation = { key: KvKey; value: Uint8Array } | { key: KvKey; value: null };

/** The mutations that make the doc keys match `commit`, and the index after them. */
export function planMutations(commit: RoomCommit, keys: RoomKeys, index: StoredIndex): Mutation[] {
  const out: Mutation[] = [];
  const touched = new Set<string>();
  const dropChunks = (id: string, keepClock?: number): void => {
    const old = index.chunked.get(id);
    if (!old || old.clock === keepClock) return;
    for (let i = 0; i < old.parts; i++) {
      out.push({ key: keys.chunk(id, old.clock, i), value: null });
    }
    index.chunked.delete(id);
  };
  for (const doc of commit.puts) {
    const id = doc.state.id;
    touched.add(id);
    const bytes = encodeJson({ c: doc.lastChangedClock, s: doc.state });
    if (bytes.length <= PART_BYTES) {
      dropChunks(id);
      out.push({ key: keys.doc(id), value: bytes });
    } else {
      const parts = splitBytes(encodeJson(doc.state));
      dropChunks(id, doc.lastChangedClock);
      parts.forEach((p, i) => out.push({ key: keys.chunk(id, doc.lastChangedClock, i), value: p }));
      out.push({
        key: keys.doc(id),
        value: encodeJson({ c: doc.lastChangedClock, parts: parts.length }),
      });
      index.chunked.set(id, { clock: doc.lastChangedClock, parts: parts.length });
    }
    index.known.add(id);
  }
  for (const [id, clock] of Object.entries(commit.deletes)) {
    touched.add(id);
    dropChunks(id);
    out.push({ key: keys.doc(id), value: encodeJson({ c: clock, t: 1 }) });
    index.known.add(id);
  }
  const removed = commit.replace
    ? [...index.known].filter((id) => !touched.has(id))
    : commit.prunedTombstones;
  for (const id of removed) {
    dropChunks(id);
    out.push({ key: keys.doc(id), value: null });
    index.known.delete(id);
  }
  const schemaJson = schemaJsonOf(commit.schema);
  if (schemaJson !== index.schemaJson) {
    out.push({ key: keys.schema(), value: encoder.encode(schemaJson) });
    index.schemaJson = schemaJson;
  }
  return out;
}

/** Size of a mutation toward the per-atomic total. */
export function mutationBytes(m: Mutation): number {
  const keyBytes = m.key.reduce<number>(
    (n, k) => n + (typeof k === "string" ? k.length * 3 : 9),
    0,
  );
  return keyBytes + (m.value?.length ?? 0);
}

/** True when the mutations (plus `extra` head writes) fit in one atomic. */
export function fitsOneAtomic(mutations: Mutation[], extra = 1): boolean {
  if (mutations.length + extra > 900) return false;
  let total = 0;
  for (const m of mutations) total += mutationBytes(m);
  return total < 700_000;
}

/** Apply mutations to `op`. */
export function addMutations(op: KvAtomicLike, mutations: Mutation[]): KvAtomicLike {
  for (const m of mutations) {
    if (m.value === null) op.delete(m.key);
    else op.set(m.key, m.value);
  }
  return op;
}

/** Write mutations in as many atomics as the limits need (each batch atomic on its own). */
export async function writeBatches(kv: KvLike, mutations: Mutation[]): Promise<void> {
  let batch: Mutation[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await addMutations(kv.atomic(), batch).commit();
    if (!result.ok) throw new Error("KV batch write failed");
    batch = [];
    bytes = 0;
  };
  for (const m of mutations) {
    const size = mutationBytes(m);
    if (batch.length >= 900 || bytes + size > 700_000) await flush();
    batch.push(m);
    bytes += size;
  }
  await flush();
}
