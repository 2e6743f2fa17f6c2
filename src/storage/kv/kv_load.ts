/**
 * Read a room back from KV: finish a journaled commit a crash interrupted, reassemble large
 * documents, and drop orphaned parts. A bad value fails this room only, naming its key.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { RoomCommit, RoomSnapshot, StoredDocument } from "../storage.ts";
import { decodeJson, encodeJson, joinBytes } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvLike } from "./kv_like.ts";
import { type Mutation, planMutations, writeBatches } from "./kv_plan.ts";
import type { StoredDoc, StoredHead, StoredIndex } from "./kv_records.ts";

/** A loaded room. */
export interface LoadedRoom {
  snapshot: RoomSnapshot | undefined;
  index: StoredIndex;
  head: StoredHead | null;
  headVersionstamp: string | null;
}

/** Load `keys`' room, repairing what a crash left behind. */
export async function loadRoom(kv: KvLike, keys: RoomKeys, what: string): Promise<LoadedRoom> {
  let headEntry = await kv.get<Uint8Array>(keys.head());
  let head = headEntry.value ? decodeJson<StoredHead>(headEntry.value, keys.head(), what) : null;
  if (head?.journal) {
    await replayJournal(kv, keys, head, what);
    headEntry = await kv.get<Uint8Array>(keys.head());
    head = headEntry.value ? decodeJson<StoredHead>(headEntry.value, keys.head(), what) : null;
  }
  const { docs, index, orphans } = await readDocs(kv, keys, what);
  if (orphans.length) await writeBatches(kv, orphans);
  if (!head) {
    return { snapshot: undefined, index, head: null, headVersionstamp: headEntry.versionstamp };
  }
  const documents: StoredDocument[] = [];
  const tombstones: Record<string, number> = {};
  for (const [id, doc] of docs) {
    if ("t" in doc) tombstones[id] = doc.c;
    else documents.push({ state: (doc as { s: UnknownRecord }).s, lastChangedClock: doc.c });
  }
  const schemaEntry = await kv.get<Uint8Array>(keys.schema());
  index.schemaJson = null;
  let schema = head.schema;
  if (schemaEntry.value) {
    schema = decodeJson<SerializedSchema>(schemaEntry.value, keys.schema(), what);
    index.schemaJson = JSON.stringify(schema);
  }
  const snapshot: RoomSnapshot = {
    documentClock: head.documentClock,
    tombstoneHistoryStartsAtClock: head.tombstoneHistoryStartsAtClock,
    ...(schema ? { schema } : {}),
    documents,
    tombstones,
  };
  return { snapshot, index, head, headVersionstamp: headEntry.versionstamp };
}

async function readDocs(
  kv: KvLike,
  keys: RoomKeys,
  what: string,
): Promise<{ docs: Map<string, StoredDoc>; index: StoredIndex; orphans: Mutation[] }> {
  const docs = new Map<string, StoredDoc>();
  const index: StoredIndex = { known: new Set(), chunked: new Map() };
  for await (const entry of kv.list<Uint8Array>({ prefix: keys.docs() }, { batchSize: 1000 })) {
    const id = entry.key[entry.key.length - 1] as string;
    docs.set(id, decodeJson<StoredDoc>(entry.value, entry.key, what));
    index.known.add(id);
  }
  const parts = new Map<string, Uint8Array[]>();
  const orphans: Mutation[] = [];
  for await (const entry of kv.list<Uint8Array>({ prefix: keys.chunks() }, { batchSize: 1000 })) {
    const [id, clock, part] = entry.key.slice(-3) as [string, number, number];
    const doc = docs.get(id);
    if (!doc || !("parts" in doc) || doc.c !== clock) {
      orphans.push({ key: entry.key, value: null });
      continue;
    }
    const list = parts.get(id) ?? [];
    list[part] = entry.value;
    parts.set(id, list);
  }
  for (const [id, doc] of docs) {
    if (!("parts" in doc)) continue;
    const list = parts.get(id) ?? [];
    if (list.length !== doc.parts || list.some((p) => !p)) {
      throw new Error(
        `Cannot load ${what}: document "${id}" is missing parts (${list.length}/${doc.parts})`,
      );
    }
    const state = decodeJson<UnknownRecord>(joinBytes(list), keys.chunk(id, doc.c, 0), what);
    docs.set(id, { c: doc.c, s: state });
    index.chunked.set(id, { clock: doc.c, parts: doc.parts });
  }
  return { docs, index, orphans };
}

/** Apply a journaled commit whose head flip happened but whose document writes may not have. */
async function replayJournal(
  kv: KvLike,
  keys: RoomKeys,
  head: StoredHead,
  what: string,
): Promise<void> {
  const journal = head.journal!;
  const parts: Uint8Array[] = [];
  for await (const entry of kv.list<Uint8Array>({ prefix: keys.journal(journal.clock) })) {
    parts[entry.key[entry.key.length - 1] as number] = entry.value;
  }
  if (parts.length !== journal.parts) {
    throw new Error(`Cannot load ${what}: journal of clock ${journal.clock} is incomplete`);
  }
  const commit = decodeJson<RoomCommit>(joinBytes(parts), keys.journal(journal.clock), what);
  const { index } = await readDocs(kv, keys, what);
  await writeBatches(kv, planMutations(commit, keys, index));
  const { journal: _done, ...clean } = head;
  const headEntry = await kv.get(keys.head());
  const result = await kv.atomic().check({ key: keys.head(), versionstamp: headEntry.versionstamp })
    .set(keys.head(), encodeJson(clean)).commit();
  if (!result.ok) {
    throw new Error(`Cannot load ${what}: the room changed while replaying its journal`);
  }
  await writeBatches(
    kv,
    parts.map((_, i) => ({ key: keys.journalPart(journal.clock, i), value: null })),
  );
}
