/**
 * The shared journal: the log entries of many rooms' commits written as one value per atomic,
 * under `[...prefix, "wal", writer, seq]`, instead of one key per room (and a head rewrite) per
 * commit. One writer per storage provider (a random id), sequence numbers rising.
 *
 * A room's head says where its entries not yet checkpointed may be: `wal: { w, from }` (writer
 * `w`'s values from `from` on; entries at or below the head's clock are ignored). A value is
 * deleted once every room with an entry in it has checkpointed past that entry (counted here,
 * per value) — by its own writer; values a crashed writer left are swept (`kv_journal_sweep.ts`).
 *
 * Value: UTF-8 JSON `{"v":1,"rooms":{"<roomId>":<log entry>,...}}`, at most
 * {@linkcode JOURNAL_VALUE_BYTES}; an entry larger than {@linkcode JOURNAL_ENTRY_MAX_BYTES} goes
 * to the room's own log instead (`kv_log_write.ts`).
 * @module
 */
import type { KvKey } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";

/** Largest journal value (below KV's 65,536-byte value limit). */
export const JOURNAL_VALUE_BYTES = 60_000;
/** Largest entry that goes into the journal (larger ones: the room's own log). */
export const JOURNAL_ENTRY_MAX_BYTES = 16_384;
/** Journal values deleted per atomic at most, riding along other writes. */
export const JOURNAL_DELETES_PER_ATOMIC = 32;

/** Where a room's entries after its head may be: writer `w`'s values from `from` on. */
export interface JournalRef {
  w: string;
  from: number;
}

/** Prefix of every writer's journal. */
export function journalsPrefix(prefix: KvKey): KvKey {
  return [...prefix, "wal"];
}

/** Whether `v` is a well-formed {@linkcode JournalRef}. */
export function isJournalRef(v: unknown): v is JournalRef {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.w === "string" && r.w.length > 0 && r.w.length <= 64 &&
    typeof r.from === "number" && Number.isSafeInteger(r.from) && r.from >= 0;
}

const encoder = new TextEncoder();
const OPEN = encoder.encode('{"v":1,"rooms":{');
const CLOSE = encoder.encode("}}");
const COLON = 58;
const COMMA = 44;

/** One room's entry on its way into a value. */
export interface JournalItem {
  roomId: string;
  /** The entry's JSON. */
  entry: Uint8Array;
}

/** Bytes `item` adds to a value. */
export function journalItemBytes(item: JournalItem): number {
  return item.roomId.length * 6 + 4 + item.entry.length; // 6: the longest JSON escape
}

/** The value holding `items` (each room at most once). */
export function encodeJournalValue(items: readonly JournalItem[]): Uint8Array {
  const ids = items.map((i) => encoder.encode(JSON.stringify(i.roomId)));
  let size = OPEN.length + CLOSE.length + Math.max(0, items.length - 1);
  for (let i = 0; i < items.length; i++) size += ids[i]!.length + 1 + items[i]!.entry.length;
  const out = new Uint8Array(size);
  out.set(OPEN, 0);
  let at = OPEN.length;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out[at++] = COMMA;
    out.set(ids[i]!, at);
    at += ids[i]!.length;
    out[at++] = COLON;
    out.set(items[i]!.entry, at);
    at += items[i]!.entry.length;
  }
  out.set(CLOSE, at);
  return out;
}

/** The entries of a decoded value by room id (`null`: not a journal value). */
export function journalRooms(value: unknown): Record<string, unknown> | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as { v?: unknown; rooms?: unknown };
  if (v.v !== 1 || typeof v.rooms !== "object" || v.rooms === null || Array.isArray(v.rooms)) {
    return null;
  }
  return v.rooms as Record<string, unknown>;
}

/** This provider's journal: its writer id, sequence and which values rooms still need. */
export class SharedJournal {
  /** This writer's id. */
  readonly writer: string;
  #prefix: KvKey;
  #next = 1;
  /** seq → rooms whose entry in that value is not checkpointed yet. */
  #needed = new Map<number, number>();
  #deletable: number[] = [];

  /** The journal of writer `writer` under `prefix` (the store's prefix). */
  constructor(prefix: KvKey, writer: string) {
    this.#prefix = [...journalsPrefix(prefix), writer];
    this.writer = writer;
  }

  /** The key of value `seq`. */
  key(seq: number): KvKey {
    return [...this.#prefix, seq];
  }

  /** Take the next sequence number. */
  take(): number {
    return this.#next++;
  }

  /** The sequence number the next value will get (every later value's is at least this). */
  peek(): number {
    return this.#next;
  }

  /** Value `seq` was written with `rooms` rooms' entries. */
  written(seq: number, rooms: number): void {
    this.#needed.set(seq, rooms);
  }

  /** A room checkpointed past its entry in value `seq`. */
  release(seq: number): void {
    const left = (this.#needed.get(seq) ?? 1) - 1;
    if (left > 0) return void this.#needed.set(seq, left);
    this.#needed.delete(seq);
    this.#deletable.push(seq);
  }

  /** Values waiting to be deleted (held by no room). */
  get pendingDeletes(): number {
    return this.#deletable.length;
  }

  /** Up to `max` deletes of values no room needs (give them back if their atomic fails). */
  takeDeletes(max: number = JOURNAL_DELETES_PER_ATOMIC): Mutation[] {
    return this.#deletable.splice(0, max).map((seq) => ({ key: this.key(seq), value: null }));
  }

  /** Deletes taken by {@linkcode takeDeletes} whose atomic failed. */
  giveBack(deletes: readonly Mutation[]): void {
    for (const d of deletes) this.#deletable.push(d.key[d.key.length - 1] as number);
  }
}
