/**
 * Read a room back from KV: finish a journaled commit a crash interrupted, reassemble large
 * documents, and drop orphaned parts. A bad document, chunk, schema or journal entry is skipped
 * and reported, so no stored value makes a room unloadable. A head that cannot be read fails
 * the load (its clocks cannot be guessed safely), naming the key; {@linkcode salvageRoom} still
 * reads whatever documents are readable, for export.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import type { RoomSnapshot, StoredDocument } from "../storage.ts";
import { decodeValue, formatKey } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvLike } from "./kv_like.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { writeBatches } from "./atomic_packer.ts";
import { type ReadDocs, readDocs } from "./kv_read_docs.ts";
import { parseHead, type StoredHead, type StoredIndex } from "./kv_records.ts";
import { replayJournal } from "./kv_replay_journal.ts";

/** A loaded room. */
export interface LoadedRoom {
  snapshot: RoomSnapshot | undefined;
  index: StoredIndex;
  head: StoredHead | null;
  headVersionstamp: string | null;
}

/** Load `keys`' room, repairing what a crash left behind. */
export async function loadRoom(kv: KvLike, keys: RoomKeys, ctx: LoadContext): Promise<LoadedRoom> {
  let { head, versionstamp } = await readHead(kv, keys, ctx);
  if (head && "journal" in head) {
    await replayJournal(kv, keys, head, ctx);
    ({ head, versionstamp } = await readHead(kv, keys, ctx));
  }
  const read = await readDocs(kv, keys, ctx);
  if (read.orphans.length) await writeBatches(kv, read.orphans);
  if (!head) return { snapshot: undefined, index: read.index, head: null, headVersionstamp: null };
  const schema = await readSchema(kv, keys, ctx, read.index) ?? head.schema;
  const snapshot = toSnapshot(read, head.documentClock, head.tombstoneHistoryStartsAtClock, schema);
  return { snapshot, index: read.index, head, headVersionstamp: versionstamp };
}

/**
 * Whatever of the room is readable, without writing anything (export of a room that does not
 * load). With an unreadable head, the clock is the highest one found. `undefined`: nothing stored.
 */
export async function salvageRoom(
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
): Promise<RoomSnapshot | undefined> {
  const headEntry = await kv.get<Uint8Array>(keys.head());
  const decoded = decodeValue(headEntry.value);
  const head = decoded.ok ? parseHead(decoded.value) : null;
  const read = await readDocs(kv, keys, ctx);
  if (!headEntry.versionstamp && read.docs.size === 0) return undefined;
  let clock = head?.documentClock ?? 0;
  for (const doc of read.docs.values()) clock = Math.max(clock, doc.c);
  const schema = await readSchema(kv, keys, ctx, read.index) ?? head?.schema;
  return toSnapshot(read, clock, head?.tombstoneHistoryStartsAtClock ?? 0, schema);
}

async function readHead(
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
): Promise<{ head: StoredHead | null; versionstamp: string | null }> {
  const entry = await kv.get<Uint8Array>(keys.head());
  if (entry.value === null) return { head: null, versionstamp: entry.versionstamp };
  const decoded = decodeValue(entry.value);
  const head = decoded.ok ? parseHead(decoded.value) : null;
  if (!head) {
    throw new Error(
      `Cannot load ${ctx.what}: its head at key ${formatKey(keys.head())} is ${
        decoded.ok ? "not a room head" : decoded.reason
      } (export what is readable with GET /admin/rooms/:id or the snapshot CLI)`,
    );
  }
  return { head, versionstamp: entry.versionstamp };
}

async function readSchema(
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
  index: StoredIndex,
): Promise<SerializedSchema | undefined> {
  const entry = await kv.get<Uint8Array>(keys.schema());
  index.schemaJson = null;
  if (entry.value === null) return undefined;
  const decoded = decodeValue(entry.value);
  if (decoded.ok && typeof decoded.value === "object" && decoded.value !== null) {
    index.schemaJson = JSON.stringify(decoded.value);
    return decoded.value as SerializedSchema;
  }
  ctx.skip(keys.schema(), decoded.ok ? "not a schema" : decoded.reason);
  return undefined;
}

function toSnapshot(
  read: ReadDocs,
  documentClock: number,
  tombstoneHistoryStartsAtClock: number,
  schema: SerializedSchema | undefined,
): RoomSnapshot {
  const documents: StoredDocument[] = [];
  const tombstones: Record<string, number> = {};
  for (const [id, doc] of read.docs) {
    if ("t" in doc) tombstones[id] = doc.c;
    else if ("s" in doc) documents.push({ state: doc.s, lastChangedClock: doc.c });
  }
  return {
    documentClock,
    tombstoneHistoryStartsAtClock,
    ...(schema ? { schema } : {}),
    documents,
    tombstones,
  };
}
