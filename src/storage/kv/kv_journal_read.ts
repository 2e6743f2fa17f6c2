/**
 * Read one room's entries back from the shared journal (`kv_shared_journal.ts`): the values its
 * head points at, from `from` on, keeping the room's entries above the head's clock, in clock
 * order. Read-only; a value or entry that cannot be decoded is skipped and reported.
 * @module
 */
import { decodeValue } from "./kv_codec.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { type LogEntry, parseLogEntry } from "./kv_log_entry.ts";
import { type JournalRef, journalRooms, journalsPrefix } from "./kv_shared_journal.ts";

/** `roomId`'s entries with a clock above `after` in the journal `ref` points at. */
export async function readJournalEntries(
  kv: KvLike,
  prefix: KvKey,
  ref: JournalRef,
  roomId: string,
  after: number,
  ctx: LoadContext,
): Promise<LogEntry[]> {
  const writer = [...journalsPrefix(prefix), ref.w];
  const out: LogEntry[] = [];
  const list = kv.list<Uint8Array>({ prefix: writer, start: [...writer, ref.from] }, {
    batchSize: 100,
  });
  for await (const e of list) {
    const decoded = decodeValue(e.value);
    const rooms = decoded.ok ? journalRooms(decoded.value) : null;
    if (!rooms) {
      ctx.skip(e.key, decoded.ok ? "not a journal value" : decoded.reason);
      continue;
    }
    if (!Object.hasOwn(rooms, roomId)) continue;
    const entry = parseLogEntry(
      rooms[roomId],
      (what) => ctx.skip(e.key, `malformed journal entry: ${what}`),
    );
    if (!entry) ctx.skip(e.key, "not a log entry");
    else if (entry.clock > after) out.push(entry);
  }
  return out.sort((a, b) => a.clock - b.clock);
}
