/**
 * Fold a room's log after its head into a {@linkcode RoomDelta} (loading), and find the log keys
 * nothing needs: entries at or below the head (a crash came between the head flip and their
 * deletion; kept when the log is kept for history) and parts without a manifest (an append a
 * crash cut short). A room without a head has no log: all of it is left over.
 * @module
 */
import type { RoomKeys } from "./kv_keys.ts";
import type { KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import type { LoadContext } from "./kv_load_context.ts";
import type { LogEntry } from "./kv_log_entry.ts";
import { scanLog } from "./kv_log_read.ts";
import { mergeJournaled } from "./kv_room_entries.ts";
import { logEntryDeletes } from "./kv_log_write.ts";
import { type FoldedChange, RoomDelta } from "./kv_room_delta.ts";

const NO_CHANGE: FoldedChange = { puts: [], deletes: {}, pruned: [] };

/** The log read at load. */
export interface ReplayedLog {
  /** Changes after the head. */
  delta: RoomDelta;
  /** Deletes of left-over log keys. */
  leftovers: Mutation[];
}

/** A log entry as a change to fold. */
export function changeOf(entry: LogEntry): FoldedChange {
  return {
    replace: entry.replace === true,
    puts: entry.puts,
    deletes: entry.deletes,
    pruned: entry.pruned,
    historyStart: entry.historyStart,
    schema: entry.schema,
  };
}

/**
 * Read the log after `headClock` (`null`: no head). With `keepLog`, entries at or below the head
 * are not even listed; without it they are listed, to be deleted. `journaled`: the room's entries
 * read from the shared journal (clock order, above the head), folded in clock order with the
 * log's; an entry in both (a checkpoint copied it to the log, then a crash) counts once.
 */
export async function replayLog(
  kv: KvLike,
  keys: RoomKeys,
  headClock: number | null,
  options: { keepLog: boolean; now: number; journaled?: readonly LogEntry[] },
  ctx: LoadContext,
): Promise<ReplayedLog> {
  const delta = new RoomDelta();
  const leftovers: Mutation[] = [];
  const after = headClock ?? Infinity;
  const scan = scanLog(kv, keys, {
    after,
    fromStart: headClock === null || !options.keepLog,
    orphans: leftovers,
  }, ctx);
  for await (const s of mergeJournaled(scan, options.journaled ?? [], after)) {
    if (s.clock <= after) {
      leftovers.push(...logEntryDeletes(keys, s.clock, s.parts));
      continue;
    }
    const keysOf = s.json
      ? { clock: s.clock, parts: 0, bytes: s.bytes, json: s.json }
      : { clock: s.clock, parts: s.parts, bytes: s.bytes };
    // A skipped entry (reported) still holds its clock: the next append must come after it.
    delta.apply(s.entry ? changeOf(s.entry) : NO_CHANGE, s.clock, options.now, keysOf);
  }
  return { delta, leftovers };
}
