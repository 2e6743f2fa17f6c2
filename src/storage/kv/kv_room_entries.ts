/**
 * A room's entries wherever they are: its own log (`kv_log_read.ts`) and, above its head, the
 * shared journal its head points at (`kv_journal_read.ts`), merged in clock order (an entry in
 * both, copied to the log by a checkpoint a crash cut short, counts once: the log's). The one
 * merge loading, export and history use; {@linkcode scanRoomEntries} is the read-only form
 * history lists and reads, so a commit is a restore point as soon as it is acknowledged.
 * @module
 */
import { encodeJson } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { LoadContext } from "./kv_load_context.ts";
import type { LogEntry } from "./kv_log_entry.ts";
import { scanLog, type ScannedEntry, type ScanOptions } from "./kv_log_read.ts";
import { readJournalEntries } from "./kv_journal_read.ts";
import { readHeadLenient } from "./kv_records.ts";

/** A scanned entry; one from the journal carries its JSON (`json`: no log key holds it). */
export type RoomEntry = ScannedEntry & { json?: Uint8Array };

/**
 * `scan` (the room's log, clock order) with `journaled` (clock order) merged in; a journaled
 * entry at or below `after` comes back undecoded (`entry: null`), like the log's.
 */
export async function* mergeJournaled(
  scan: AsyncIterable<ScannedEntry>,
  journaled: readonly LogEntry[],
  after: number,
): AsyncGenerator<RoomEntry> {
  let i = 0;
  const next = (): RoomEntry => {
    const e = journaled[i++]!;
    const json = encodeJson(e);
    return {
      clock: e.clock,
      parts: 0,
      bytes: json.length,
      entry: e.clock > after ? e : null,
      json,
    };
  };
  for await (const s of scan) {
    while (i < journaled.length && journaled[i]!.clock < s.clock) yield next();
    if (journaled[i]?.clock === s.clock) i++;
    yield s;
  }
  while (i < journaled.length) yield next();
}

/** Like {@linkcode scanLog}, with the journal's entries of the room above its head merged in. */
export async function* scanRoomEntries(
  kv: KvLike,
  keys: RoomKeys,
  options: ScanOptions,
  ctx: LoadContext,
  journalPrefix: KvKey,
): AsyncGenerator<ScannedEntry> {
  const after = options.after ?? -Infinity;
  const upTo = options.upTo ?? Infinity;
  const fromStart = options.fromStart || options.after === undefined;
  const head = await readHeadLenient(kv, keys);
  const tail = head?.wal
    ? await readJournalEntries(kv, journalPrefix, head.wal, ctx.roomId, head.documentClock, ctx)
    : [];
  const inRange = tail.filter((e) => (fromStart || e.clock > after) && e.clock <= upTo);
  yield* mergeJournaled(scanLog(kv, keys, options, ctx), inRange, after);
}
