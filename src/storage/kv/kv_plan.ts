/**
 * Turn a RoomCommit into KV mutations, and check they can be written (packing them into atomics
 * is `atomic_packer.ts`'s job).
 * @module
 */
import type { RoomCommit } from "../storage.ts";
import { CommitRefusedError } from "../commit_refused_error.ts";
import { encodeJson, formatKey, PART_BYTES, splitBytes } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import { keyBytes, KV_LIMITS, type Mutation, mutationProblem } from "./kv_limits.ts";
import type { StoredIndex } from "./kv_records.ts";
import type { SerializedSchema } from "@tldraw/store";

const schemaJsonCache = new WeakMap<SerializedSchema, string>();
const encoder = new TextEncoder();

/** The JSON of a serialized schema, computed once per schema object. */
export function schemaJsonOf(schema: SerializedSchema): string {
  let json = schemaJsonCache.get(schema);
  if (json === undefined) schemaJsonCache.set(schema, json = JSON.stringify(schema));
  return json;
}

export type { Mutation } from "./kv_limits.ts";

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

function describeKey(m: Mutation): string {
  const text = formatKey(m.key);
  return text.length > 200 ? `key ${text.slice(0, 200)}…` : `key ${text}`;
}

/**
 * Refuse, before anything is written, a commit the checkpoint could never write: a record whose
 * document key (or, in an entry over one value, chunk key) is over KV's key limit, or a changed
 * schema (`schemaJson`) over its value limit. Ids short enough are not measured.
 */
export function assertCommitFits(
  commit: RoomCommit,
  keys: RoomKeys,
  entryBytes: number,
  schemaJson: string | null,
  what: string,
): void {
  const large = entryBytes > PART_BYTES; // only then can one record need chunks
  const room = keyBytes(keys.root) + 30;
  const check = (key: () => Mutation["key"], id: string): void => {
    if (room + id.length * 3 + 2 <= KV_LIMITS.maxKeyBytes) return;
    const m = { key: key(), value: null };
    const problem = mutationProblem(m);
    if (problem) {
      throw new CommitRefusedError(`Cannot store ${what}: ${problem} (${describeKey(m)})`);
    }
  };
  for (const doc of commit.puts) {
    const id = doc.state.id;
    check(() => (large ? keys.chunk(id, doc.lastChangedClock, 99_999) : keys.doc(id)), id);
  }
  for (const id in commit.deletes) check(() => keys.doc(id), id);
  if (schemaJson !== null) {
    const m = { key: keys.schema(), value: encoder.encode(schemaJson) };
    const problem = mutationProblem(m);
    if (problem) {
      throw new CommitRefusedError(`Cannot store ${what}: ${problem} (${describeKey(m)})`);
    }
  }
}
