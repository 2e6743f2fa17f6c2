/**
 * A room's entries wherever they are: its own log (`kv_log_read.ts`) and, above its head, the
 * shared journal its head points at (`kv_journal_read.ts`), merged in clock order (an entry in
 * both, copied to the log by a checkpoint a crash cut short, counts once). Read-only: what
 * history lists and reads, so a commit is a restore point as soon as it is acknowledged.
 * @module
 */
import { decodeValue, encodeJson } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { LoadContext } from "./kv_load_context.ts";
import type { LogEntry } from "./kv_log_entry.ts";
import { scanLog, type ScannedEntry, type ScanOptions } from "./kv_log_read.ts";
import { readJournalEntries } from "./kv_journal_read.ts";
import { parseHead } from "./kv_records.ts";

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
  const tail = (await journalTail(kv, keys, journalPrefix, ctx)).filter((e) =>
    (fromStart || e.clock > after) && e.clock <= upTo
  );
  let i = 0;
  const next = (): ScannedEntry => {
    const e = tail[i++]!;
    return {
      clock: e.clock,
      parts: 0,
      bytes: encodeJson(e).length,
      entry: e.clock > after ? e : null,
    };
  };
  for await (const s of scanLog(kv, keys, options, ctx)) {
    while (i < tail.length && tail[i]!.clock < s.clock) yield next();
    if (tail[i]?.clock === s.clock) i++;
    yield s;
  }
  while (i < tail.length) yield next();
}

async function journalTail(
  kv: KvLike,
  keys: RoomKeys,
  journalPrefix: KvKey,
  ctx: LoadContext,
): Promise<LogEntry[]> {
  const decoded = decodeValue((await kv.get<Uint8Array>(keys.head())).value);
  const head = decoded.ok ? parseHead(decoded.value) : null;
  if (!head?.wal) return [];
  return await readJournalEntries(kv, journalPrefix, head.wal, ctx.roomId, head.documentClock, ctx);
}
