/**
 * Read a room back from KV: its checkpoint (head, document keys) plus its log after the head.
 * Finish a journaled commit an earlier version left, reassemble large documents, and drop
 * orphaned parts and log keys nothing needs. A bad document, chunk, schema or journal entry is skipped
 * and reported, so no stored value makes a room unloadable. A head that cannot be read fails
 * the load (its clocks cannot be guessed safely), naming the key; {@linkcode salvageRoom} still
 * reads whatever documents are readable, for export.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import type { RoomSnapshot, StoredDocument } from "../storage.ts";
import { decodeValue, formatKey } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { readJournalEntries } from "./kv_journal_read.ts";
import type { LogEntry } from "./kv_log_entry.ts";
import { writeBatches } from "./atomic_packer.ts";
import { type ReadDocs, readDocs } from "./kv_read_docs.ts";
import { parseHead, type StoredHead, type StoredIndex } from "./kv_records.ts";
import { replayJournal } from "./kv_replay_journal.ts";
import { changeOf, replayLog } from "./kv_replay_log.ts";
import { RoomDelta } from "./kv_room_delta.ts";
import { scanLog } from "./kv_log_read.ts";
import { mergeJournaled } from "./kv_room_entries.ts";

/** A loaded room. */
export interface LoadedRoom {
  /** Entries found in the shared journal (the next checkpoint copies them to the room's keys). */
  journaled: number;
  snapshot: RoomSnapshot | undefined;
  index: StoredIndex;
  head: StoredHead | null;
  headVersionstamp: string | null;
  /** The log after the head, folded (what the next checkpoint writes). */
  delta: RoomDelta;
}

/** How to load. */
export interface LoadOptions {
  /** Leave log entries at or below the head (history keeps them). */
  keepLog: boolean;
  /** Now (ms), when the log's changes start waiting for a checkpoint. */
  now: number;
  /**
   * The store's prefix (where shared journals are). When the head points into one, the head is
   * first rewritten as it is (so a writer still appending to that journal is refused from then
   * on), then the journal is read.
   */
  journalPrefix: KvKey;
}

/** Load `keys`' room, repairing what a crash left behind. */
export async function loadRoom(
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
  options: LoadOptions,
): Promise<LoadedRoom> {
  let { head, versionstamp, bytes } = await readHead(kv, keys, ctx);
  if (head && "journal" in head) {
    await replayJournal(kv, keys, head, ctx);
    ({ head, versionstamp, bytes } = await readHead(kv, keys, ctx));
  }
  let journaled: LogEntry[] = [];
  if (head?.wal && bytes) {
    versionstamp = await claimHead(kv, keys, bytes, versionstamp, ctx);
    journaled = await readJournalEntries(
      kv,
      options.journalPrefix,
      head.wal,
      ctx.roomId,
      head.documentClock,
      ctx,
    );
  }
  const log = await replayLog(kv, keys, head?.documentClock ?? null, {
    ...options,
    journaled,
  }, ctx);
  const { delta } = log;
  const read = await readDocs(kv, keys, ctx, (id) => delta.replaced || delta.changes.has(id));
  const garbage = [...read.orphans, ...log.leftovers];
  if (garbage.length) await writeBatches(kv, garbage);
  if (!head) {
    return {
      snapshot: undefined,
      index: read.index,
      head,
      headVersionstamp: null,
      delta,
      journaled: 0,
    };
  }
  const stored = await readSchema(kv, keys, ctx, read.index);
  const schema = delta.schema ?? stored ?? head.schema;
  delta.applyTo(read.docs);
  const snapshot = toSnapshot(
    read,
    Math.max(head.documentClock, delta.clock),
    delta.historyStart ?? head.tombstoneHistoryStartsAtClock,
    schema,
  );
  return {
    snapshot,
    index: read.index,
    head,
    headVersionstamp: versionstamp,
    delta,
    journaled: journaled.length,
  };
}

/**
 * Rewrite the head unchanged (`bytes`, as read, checked against `versionstamp`): from then on, a
 * writer that still appends to the journal the head points at fails its head check. Returns the
 * new versionstamp.
 */
async function claimHead(
  kv: KvLike,
  keys: RoomKeys,
  bytes: Uint8Array,
  versionstamp: string | null,
  ctx: LoadContext,
): Promise<string> {
  const result = await kv.atomic().check({ key: keys.head(), versionstamp }).set(keys.head(), bytes)
    .commit();
  if (!result.ok) throw new Error(`Cannot load ${ctx.what}: another server wrote it meanwhile`);
  return result.versionstamp;
}

/**
 * Whatever of the room is readable, without writing anything (export of a room that does not
 * load). With an unreadable head, the clock is the highest one found. `undefined`: nothing stored.
 */
export async function salvageRoom(
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
  journalPrefix: KvKey,
): Promise<RoomSnapshot | undefined> {
  const headEntry = await kv.get<Uint8Array>(keys.head());
  const decoded = decodeValue(headEntry.value);
  const head = decoded.ok ? parseHead(decoded.value) : null;
  const read = await readDocs(kv, keys, ctx);
  const delta = new RoomDelta();
  const after = head?.documentClock ?? -1;
  const journaled = head?.wal
    ? await readJournalEntries(kv, journalPrefix, head.wal, ctx.roomId, after, ctx)
    : [];
  for await (const s of mergeJournaled(scanLog(kv, keys, { after }, ctx), journaled, after)) {
    if (s.entry) delta.apply(changeOf(s.entry), s.clock, 0);
  }
  if (!headEntry.versionstamp && read.docs.size === 0 && delta.isEmpty) return undefined;
  let clock = Math.max(head?.documentClock ?? 0, delta.clock);
  for (const doc of read.docs.values()) clock = Math.max(clock, doc.c);
  const stored = await readSchema(kv, keys, ctx, read.index);
  delta.applyTo(read.docs);
  const schema = delta.schema ?? stored ?? head?.schema;
  const historyStart = delta.historyStart ?? head?.tombstoneHistoryStartsAtClock ?? 0;
  return toSnapshot(read, clock, historyStart, schema);
}

async function readHead(
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
): Promise<{ head: StoredHead | null; versionstamp: string | null; bytes: Uint8Array | null }> {
  const entry = await kv.get<Uint8Array>(keys.head());
  if (entry.value === null) return { head: null, versionstamp: entry.versionstamp, bytes: null };
  const decoded = decodeValue(entry.value);
  const head = decoded.ok ? parseHead(decoded.value) : null;
  if (!head) {
    throw new Error(
      `Cannot load ${ctx.what}: its head at key ${formatKey(keys.head())} is ${
        decoded.ok ? "not a room head" : decoded.reason
      } (export what is readable with GET /admin/rooms/:id or the snapshot CLI)`,
    );
  }
  return { head, versionstamp: entry.versionstamp, bytes: entry.value };
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
