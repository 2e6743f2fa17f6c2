/**
 * The stored shapes of heads and documents.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import { isJournalRef, type JournalRef } from "./kv_shared_journal.ts";
import { decodeValue } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvLike } from "./kv_like.ts";
import { isClock } from "../../protocol/clock.ts";

/** The room head: the commit point of every commit. */
export interface StoredHead {
  v: 1;
  documentClock: number;
  tombstoneHistoryStartsAtClock: number;
  /** Only in heads written before the schema got its own key (read for compatibility). */
  schema?: SerializedSchema;
  /** A large commit journaled but maybe not yet applied to the document keys. */
  journal?: { clock: number; parts: number };
  /** Where entries after `documentClock` may be in the shared journal (`kv_shared_journal.ts`). */
  wal?: JournalRef;
}

/** A document (`s`), a large document split into `parts`, or a tombstone (`t`). */
export type StoredDoc =
  | { c: number; s: UnknownRecord }
  | { c: number; parts: number }
  | { c: number; t: 1 };

/** What the writer knows about the document keys currently stored. */
export interface StoredIndex {
  /** Ids with a doc key (documents and tombstones). */
  known: Set<string>;
  /** Large documents: id → clock of their chunk keys and part count. */
  chunked: Map<string, { clock: number; parts: number }>;
  /** JSON of the stored schema key (`null`: none yet), to write it only when it changes. */
  schemaJson?: string | null;
}

/** A stored entry loading skipped (undecodable, malformed, or a write KV can never take). */
export interface SkippedEntry {
  /** The room it belongs to. */
  roomId: string;
  /** The key, as text. */
  key: string;
  /** Why it was skipped. */
  reason: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A head as stored, or `null` when its shape is not one this code wrote. */
export function parseHead(v: unknown): StoredHead | null {
  if (!isObject(v) || !isClock(v.documentClock) || !isClock(v.tombstoneHistoryStartsAtClock)) {
    return null;
  }
  // A journal pointer that cannot be followed: entries may be missing, so the head is not trusted.
  if ("wal" in v && !isJournalRef(v.wal)) return null;
  return v as unknown as StoredHead;
}

/** The room's head as stored, or `null` when absent or unreadable (readers that need not fail). */
export async function readHeadLenient(kv: KvLike, keys: RoomKeys): Promise<StoredHead | null> {
  const decoded = decodeValue((await kv.get<Uint8Array>(keys.head())).value);
  return decoded.ok ? parseHead(decoded.value) : null;
}

/** Whether a head's journal pointer is well-formed. */
export function validJournal(j: unknown): j is { clock: number; parts: number } {
  return isObject(j) && isClock(j.clock) && Number.isInteger(j.parts) && (j.parts as number) > 0 &&
    (j.parts as number) <= 100_000;
}

/** Whether `v` is a record state stored under `id`. */
export function isRecordOf(v: unknown, id: string): v is UnknownRecord {
  return isObject(v) && v.id === id && typeof v.typeName === "string";
}

/** A document entry as stored under `id`, or `null` when malformed. */
export function parseDoc(v: unknown, id: string): StoredDoc | null {
  if (!isObject(v) || !isClock(v.c)) return null;
  if ("t" in v) return v.t === 1 ? { c: v.c, t: 1 } : null;
  if ("parts" in v) {
    const ok = Number.isInteger(v.parts) && (v.parts as number) > 0 &&
      (v.parts as number) <= 100_000;
    return ok ? { c: v.c, parts: v.parts as number } : null;
  }
  return isRecordOf(v.s, id) ? { c: v.c, s: v.s } : null;
}
