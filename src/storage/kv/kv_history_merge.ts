/**
 * The room log a checkpoint writes when history keeps it: the shared journal's entries it covers
 * become the room's own log entries (restore points). With a resolution, a run of consecutive
 * entries whose commits fall in the same window of `resolutionMs` (by commit time) is written as
 * one entry at the run's last clock: the state after its last commit, the authors of all of them.
 * Under load a room commits every gather period, and a copy of every entry doubled what each edit
 * wrote; merged, a busy room writes about one entry per window.
 *
 * Replaying a merged entry gives what replaying the run gives (every change is a full overwrite;
 * see `kv_room_delta.ts`), so the log stays a valid replay source if a crash leaves it above the
 * head. Entries that rewrite the room or change the schema are never merged (they stay points of
 * their own), nor are entries already in the room's own log (written alone or too large for the
 * journal: nothing to copy, and a run ends there).
 * @module
 */
import type { RoomKeys } from "./kv_keys.ts";
import type { Mutation } from "./kv_limits.ts";
import type { LogEntry } from "./kv_log_entry.ts";
import { encodeLogEntry } from "./kv_log_write.ts";
import { type FoldedEntry, RoomDelta } from "./kv_room_delta.ts";

/** The log writes for the journaled `entries` a checkpoint covers (oldest first). */
export function historyLogWrites(
  keys: RoomKeys,
  entries: readonly FoldedEntry[],
  resolutionMs: number,
): Mutation[] {
  const out: Mutation[] = [];
  let run: LogEntry[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const entry = run.length === 1 ? run[0]! : mergeLogEntries(run);
    const encoded = encodeLogEntry(keys, entry);
    out.push(...encoded.parts, encoded.manifest);
    run = [];
  };
  for (const e of entries) {
    if (!e.json) {
      // Already in the room's own log. A run must not span it: a merged entry written after it
      // would carry changes older than it.
      flush();
      continue;
    }
    const entry = e.log;
    if (!entry || resolutionMs <= 0 || !mergeable(entry)) {
      flush();
      out.push({ key: keys.log(e.clock), value: e.json });
      continue;
    }
    const last = run.at(-1);
    if (last && windowOf(last, resolutionMs) !== windowOf(entry, resolutionMs)) flush();
    run.push(entry);
  }
  flush();
  return out;
}

function mergeable(entry: LogEntry): boolean {
  return !entry.replace && entry.schema === undefined;
}

function windowOf(entry: LogEntry, resolutionMs: number): number {
  return Math.floor(entry.time / resolutionMs);
}

/**
 * One entry with the effect of `run` (consecutive, oldest first, none a replace or schema
 * change).
 */
export function mergeLogEntries(run: readonly LogEntry[]): LogEntry {
  const last = run.at(-1)!;
  const folded = new RoomDelta(); // the latest change of each id, as loading folds entries
  const authors = new Set<string>();
  for (const entry of run) {
    folded.apply(entry, entry.clock, entry.time);
    for (const author of entry.authors ?? []) authors.add(author);
  }
  const { puts, deletes, pruned } = folded.changeLists();
  return {
    v: 1,
    clock: last.clock,
    time: last.time,
    ...(authors.size > 0 ? { authors: [...authors] } : {}),
    puts,
    deletes,
    pruned,
    historyStart: last.historyStart,
    records: last.records,
  };
}
