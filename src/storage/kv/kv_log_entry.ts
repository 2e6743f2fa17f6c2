/**
 * A room's log entry: one commit as stored under `[...roomRoot, "log", clock]` (see
 * `kv_log_write.ts` for how it is split into parts). A room's state is its checkpoint (head and
 * document keys) plus every entry after the head's clock, applied in clock order.
 * @module
 */
import type { HistoryEntry } from "../room_history.ts";
import type { SerializedSchema } from "@tldraw/store";
import type { RoomCommit, StoredDocument } from "../storage.ts";
import { isRecordOf } from "./kv_records.ts";
import { isClock } from "../../protocol/clock.ts";

/**
 * One commit in the log: a {@linkcode HistoryEntry} (the port's view of a kept commit, the same
 * fields) with the format version.
 */
export interface LogEntry extends HistoryEntry {
  v: 1;
}

/** The entry of `commit`; `schema` only when it changed, `records` the live count after it. */
export function logEntryOf(
  commit: RoomCommit,
  time: number,
  schemaChanged: boolean,
  records: number,
): LogEntry {
  return {
    v: 1,
    clock: commit.documentClock,
    time: commit.time ?? time,
    ...(commit.authors ? { authors: commit.authors } : {}),
    ...(commit.replace ? { replace: true as const } : {}),
    puts: commit.puts,
    deletes: commit.deletes,
    pruned: commit.prunedTombstones,
    historyStart: commit.tombstoneHistoryStartsAtClock,
    ...(schemaChanged ? { schema: commit.schema } : {}),
    records,
  };
}

/** A wall time in ms (not a clock: a host's time source may give fractions). */
function isTime(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The well-formed part of a stored entry (`null` when it is not an entry at all). Malformed puts
 * and deletes are dropped and named through `skipped`.
 */
export function parseLogEntry(v: unknown, skipped: (what: string) => void): LogEntry | null {
  if (!isObject(v) || v.v !== 1 || !isClock(v.clock)) return null;
  const puts: StoredDocument[] = [];
  for (const [i, put] of (Array.isArray(v.puts) ? v.puts : []).entries()) {
    const state = isObject(put) ? put.state : undefined;
    const id = isObject(state) ? state.id : undefined;
    const clock = isObject(put) ? put.lastChangedClock : undefined;
    if (typeof id === "string" && isRecordOf(state, id) && isClock(clock)) {
      puts.push({ state, lastChangedClock: clock });
    } else skipped(`put #${i}`);
  }
  const deletes: Record<string, number> = {};
  for (const [id, clock] of Object.entries(isObject(v.deletes) ? v.deletes : {})) {
    if (isClock(clock)) deletes[id] = clock;
    else skipped(`delete of "${id.slice(0, 100)}"`);
  }
  const pruned = (Array.isArray(v.pruned) ? v.pruned : []).filter((id): id is string =>
    typeof id === "string"
  );
  const authors = Array.isArray(v.authors)
    ? v.authors.filter((a): a is string => typeof a === "string")
    : undefined;
  return {
    v: 1,
    clock: v.clock,
    time: isTime(v.time) ? v.time : 0,
    ...(authors ? { authors } : {}),
    ...(v.replace === true ? { replace: true as const } : {}),
    puts,
    deletes,
    pruned,
    historyStart: isClock(v.historyStart) ? v.historyStart : 0,
    ...(isObject(v.schema) ? { schema: v.schema as unknown as SerializedSchema } : {}),
    records: isClock(v.records) ? v.records : puts.length,
  };
}
