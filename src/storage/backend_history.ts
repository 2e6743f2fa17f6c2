/**
 * {@linkcode RoomHistory} over a {@linkcode HistoryBackend}: the restore points are the
 * checkpoints plus every entry after the history base (the oldest checkpoint, or a replace entry
 * when there is none yet); the room at clock X is the newest checkpoint <= X with the entries
 * after it up to X applied.
 * @module
 */
import type { CheckpointInfo, EntryInfo, HistoryBackend } from "./history_backend.ts";
import { HistoryState } from "./history_state.ts";
import {
  type HistoryEntry,
  type HistoryRange,
  type RestorePoint,
  RestorePointKind,
  type RestorePointList,
  type RestorePointsOptions,
  type RoomHistory,
} from "./room_history.ts";
import type { RoomSnapshot } from "./room_snapshot.ts";

/** Reads a room's history from a backend. */
export class BackendHistory implements RoomHistory {
  #backend: HistoryBackend;

  /** History kept in `backend`. */
  constructor(backend: HistoryBackend) {
    this.#backend = backend;
  }

  /** See {@linkcode RoomHistory.points}. */
  async points(options: RestorePointsOptions = {}): Promise<RestorePointList> {
    const limit = options.limit ?? Infinity;
    const checkpoints = await this.#backend.checkpoints();
    const base = checkpoints[0]?.clock ?? await this.#firstReplace();
    if (base === undefined) return { points: [], truncated: false };
    const byClock = new Map<number, RestorePoint>();
    for (const c of checkpoints) byClock.set(c.clock, checkpointPoint(c));
    let entries = 0;
    let more = false;
    for await (const e of this.#backend.entryInfos({ reverse: true, after: base - 1 })) {
      if (entries >= limit) {
        more = true;
        break;
      }
      byClock.set(e.clock, entryPoint(e)); // a commit is richer than a checkpoint at its clock
      entries++;
    }
    const points = [...byClock.values()].sort((a, b) => a.clock - b.clock);
    const truncated = more || points.length > limit;
    return { points: truncated ? points.slice(points.length - limit) : points, truncated };
  }

  /** See {@linkcode RoomHistory.at}. */
  async at(clock: number): Promise<RoomSnapshot | undefined> {
    if (!Number.isSafeInteger(clock) || clock < 0) return undefined;
    const checkpoints = await this.#backend.checkpoints();
    const base = newestAtOrBefore(checkpoints, clock);
    let state: HistoryState;
    if (base) {
      const snapshot = await this.#backend.readCheckpoint(base.clock);
      if (!snapshot) return undefined;
      state = new HistoryState(snapshot);
      if (base.clock === clock) return state.toSnapshot();
    } else state = new HistoryState();
    for await (const entry of this.#backend.entries({ after: base?.clock ?? -1, upTo: clock })) {
      state.apply(entry);
    }
    return state.complete && state.clock === clock ? state.toSnapshot() : undefined;
  }

  /** See {@linkcode RoomHistory.clockAt}. */
  async clockAt(time: number): Promise<number | undefined> {
    const checkpoints = await this.#backend.checkpoints();
    const base = checkpoints[0]?.clock ?? await this.#firstReplace();
    if (base === undefined) return undefined;
    let best: number | undefined;
    for (const c of checkpoints) if (c.time <= time) best = c.clock;
    for await (const e of this.#backend.entryInfos({ reverse: true, after: base - 1 })) {
      if (e.time > time) continue;
      return best === undefined ? e.clock : Math.max(best, e.clock);
    }
    return best;
  }

  /** See {@linkcode RoomHistory.entries}. */
  entries(range: HistoryRange = {}): AsyncIterable<HistoryEntry> {
    return this.#backend.entries(range);
  }

  /** Without checkpoints, history starts at the first replace entry (a new room's first save). */
  async #firstReplace(): Promise<number | undefined> {
    for await (const e of this.#backend.entryInfos()) if (e.replace) return e.clock;
    return undefined;
  }
}

/** The newest checkpoint at or before `clock`. */
export function newestAtOrBefore(
  checkpoints: CheckpointInfo[],
  clock: number,
): CheckpointInfo | undefined {
  let found: CheckpointInfo | undefined;
  for (const c of checkpoints) if (c.clock <= clock) found = c;
  return found;
}

function checkpointPoint(c: CheckpointInfo): RestorePoint {
  return { ...pointFields(c), kind: RestorePointKind.checkpoint };
}

function entryPoint(e: EntryInfo): RestorePoint {
  return {
    ...pointFields(e),
    ...(e.authors?.length ? { authors: e.authors } : {}),
    kind: RestorePointKind.commit,
  };
}

function pointFields(c: CheckpointInfo): Omit<RestorePoint, "kind"> {
  return { clock: c.clock, time: c.time, records: c.records, bytes: c.bytes };
}
