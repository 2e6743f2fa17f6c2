/**
 * Read a room's document keys back, leniently: an undecodable or malformed entry, or a large
 * document with a missing or corrupt part, is skipped (and reported), never fatal.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import { decodeValue, joinBytes } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { isRecordOf, parseDoc, type StoredDoc, type StoredIndex } from "./kv_records.ts";

/** Documents read back, the writer's index, and chunk keys nothing refers to. */
export interface ReadDocs {
  docs: Map<string, StoredDoc>;
  index: StoredIndex;
  orphans: Mutation[];
}

/**
 * Read every document and tombstone of `keys`' room. A bad entry of an id `superseded` says the
 * log rewrites is dropped without a report (the log's version replaces it).
 */
export async function readDocs(
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
  superseded: (id: string) => boolean = () => false,
): Promise<ReadDocs> {
  const report = (key: KvKey, id: string, reason: string): void => {
    if (!superseded(id)) ctx.skip(key, reason);
  };
  const docs = new Map<string, StoredDoc>();
  const index: StoredIndex = { known: new Set(), chunked: new Map() };
  const bad = new Set<string>();
  for await (const entry of kv.list<Uint8Array>({ prefix: keys.docs() }, { batchSize: 1000 })) {
    const id = entry.key[entry.key.length - 1];
    if (typeof id !== "string") continue;
    index.known.add(id); // a bad entry is still overwritten or deleted by later commits
    const decoded = decodeValue(entry.value);
    const doc = decoded.ok ? parseDoc(decoded.value, id) : null;
    if (doc) docs.set(id, doc);
    else {
      bad.add(id);
      report(entry.key, id, decoded.ok ? "not a stored document" : decoded.reason);
    }
  }
  const orphans = await assembleChunks(kv, keys, report, docs, index, bad);
  return { docs, index, orphans };
}

async function assembleChunks(
  kv: KvLike,
  keys: RoomKeys,
  report: (key: KvKey, id: string, reason: string) => void,
  docs: Map<string, StoredDoc>,
  index: StoredIndex,
  bad: Set<string>,
): Promise<Mutation[]> {
  const parts = new Map<string, Uint8Array[]>();
  const orphans: Mutation[] = [];
  for await (const entry of kv.list<Uint8Array>({ prefix: keys.chunks() }, { batchSize: 1000 })) {
    const [id, clock, part] = entry.key.slice(-3) as [string, number, number];
    if (bad.has(id)) continue; // parts of an unreadable entry: left for a later commit to clear
    const doc = docs.get(id);
    if (!doc || !("parts" in doc) || doc.c !== clock) {
      orphans.push({ key: entry.key, value: null });
      continue;
    }
    const list = parts.get(id) ?? [];
    if (typeof part === "number" && part >= 0 && part < doc.parts) list[part] = entry.value;
    parts.set(id, list);
  }
  for (const [id, doc] of [...docs]) {
    if (!("parts" in doc)) continue;
    index.chunked.set(id, { clock: doc.c, parts: doc.parts });
    docs.delete(id);
    const list = parts.get(id) ?? [];
    const present = list.filter((p) => p instanceof Uint8Array).length;
    if (present !== doc.parts) {
      report(keys.doc(id), id, `missing parts (${present}/${doc.parts})`);
      continue;
    }
    const decoded = decodeValue(joinBytes(list));
    if (decoded.ok && isRecordOf(decoded.value, id)) {
      docs.set(id, { c: doc.c, s: decoded.value as UnknownRecord });
    } else {
      report(keys.chunk(id, doc.c, 0), id, decoded.ok ? "not a record" : decoded.reason);
    }
  }
  return orphans;
}
