/**
 * Thins one room's history in the background: commits older than the full window collapse to
 * one checkpoint per bucket (hour, then day), checkpoints past retention go, and the room is
 * kept within its byte budget by moving the history base forward. Never on the ack path: a
 * commit only schedules a pass (`passDelayMs` later); each pass writes a bounded number of
 * checkpoints and schedules the next one when work is left.
 *
 * Crash safety comes from the order of writes: a checkpoint is written (visible only when
 * complete) before the entries it replaces are deleted, entries are deleted newest first, and a
 * checkpoint is deleted only once no entry depends on it. Any prefix of a pass leaves a history
 * in which every listed point still reads back exactly.
 * @module
 */
import type { TimerHandle, TimeSource } from "../ports/time_source.ts";
import { BackendHistory } from "./backend_history.ts";
import type { CheckpointInfo, EntryInfo, HistoryBackend } from "./history_backend.ts";
import { bucketOf, type ResolvedHistoryPolicy } from "./history_policy.ts";

const MAX_IDLE_RECHECK_MS = 3_600_000;

/** Options of {@linkcode HistoryPruner}. */
export interface HistoryPrunerOptions {
  /** The bounds. */
  policy: ResolvedHistoryPolicy;
  /** Clock and timers. */
  time: TimeSource;
  /** A pass failed (it is retried after the next commit). */
  onError?: (error: unknown) => void;
}

/** The background pruner of one room. */
export class HistoryPruner {
  #backend: HistoryBackend;
  #reader: BackendHistory;
  #options: HistoryPrunerOptions;
  #entries: EntryInfo[] | null = null;
  #timer: TimerHandle | undefined;
  #running: Promise<void> | null = null;
  #serial: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** Prune `backend` under `options.policy`. */
  constructor(backend: HistoryBackend, options: HistoryPrunerOptions) {
    this.#backend = backend;
    this.#reader = new BackendHistory(backend);
    this.#options = options;
  }

  /** A commit was made: make sure a pass is scheduled. Costs a branch when one is. */
  noteCommit(): void {
    if (this.#timer !== undefined || this.#running || this.#closed) return;
    this.#schedule(this.#options.policy.passDelayMs);
  }

  /** Stop scheduling; resolves when a running pass ended. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#options.time.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Run one pass now (after one in progress). Resolves to true when work is left. */
  pass(): Promise<boolean> {
    const next = this.#serial.then(() => this.#pass());
    this.#serial = next.catch(() => {});
    return next;
  }

  async #pass(): Promise<boolean> {
    const entries = await this.#index();
    const now = this.#options.time.now();
    let checkpoints = await this.#backend.checkpoints();
    const oldest = checkpoints[0];
    if (oldest) await this.#dropEntries(entries.filter((e) => e.clock <= oldest.clock));
    let writes = this.#options.policy.checkpointsPerPass;
    const bound = (await this.#backend.deletableUpTo?.()) ?? Infinity;
    const deletable = this.#entries!.filter((e) => e.clock <= bound);
    for (const group of oldGroups(deletable, now, this.#options.policy)) {
      if (writes === 0) return true;
      if (!(await this.#collapse(group, checkpoints))) break;
      writes--;
    }
    checkpoints = await this.#backend.checkpoints();
    await this.#thin(checkpoints, now);
    return await this.#fitBytes(writes, bound);
  }

  #schedule(ms: number): void {
    this.#timer = this.#options.time.setTimeout(() => {
      this.#timer = undefined;
      this.#run();
    }, ms);
  }

  #run(): void {
    if (this.#closed) return;
    this.#running = this.pass().then(
      (more) => {
        this.#running = null;
        if (!this.#closed) this.#scheduleNext(more);
      },
      (error) => {
        this.#running = null;
        this.#entries = null; // rebuild the index on the next pass
        this.#options.onError?.(error);
      },
    );
  }

  /** More work: another pass soon; else wake when the oldest entry leaves the full window. */
  #scheduleNext(more: boolean): void {
    const policy = this.#options.policy;
    if (more) return this.#schedule(policy.passDelayMs);
    const first = this.#entries?.[0];
    if (!first) return;
    const due = first.time + policy.fullMs - this.#options.time.now();
    this.#schedule(Math.min(Math.max(due, policy.passDelayMs), MAX_IDLE_RECHECK_MS));
  }

  /** The entries' metadata, read once, then only what was committed since. */
  async #index(): Promise<EntryInfo[]> {
    const known = this.#entries ?? [];
    const after = known.at(-1)?.clock ?? -1;
    for await (const info of this.#backend.entryInfos({ after })) known.push(info);
    this.#entries = known;
    return known;
  }

  async #dropEntries(doomed: EntryInfo[]): Promise<void> {
    if (doomed.length === 0) return;
    await this.#backend.deleteEntries(doomed.map((e) => e.clock).reverse());
    const gone = new Set(doomed.map((e) => e.clock));
    this.#entries = this.#entries!.filter((e) => !gone.has(e.clock));
  }

  /** Checkpoint the state at the group's last entry, then delete the group's entries. */
  async #collapse(group: EntryInfo[], checkpoints: CheckpointInfo[]): Promise<boolean> {
    const target = group.at(-1)!;
    if (!checkpoints.some((c) => c.clock === target.clock)) {
      const snapshot = await this.#reader.at(target.clock);
      if (!snapshot) return false; // no base yet: nothing can be collapsed
      await this.#backend.writeCheckpoint(snapshot, target.time);
    }
    await this.#dropEntries(group);
    return true;
  }

  /** Delete checkpoints nothing depends on that expired or share a bucket with a newer one. */
  async #thin(checkpoints: CheckpointInfo[], now: number): Promise<void> {
    const policy = this.#options.policy;
    for (let i = 0; i < checkpoints.length - 1; i++) {
      const c = checkpoints[i]!;
      const next = checkpoints[i + 1]!;
      if (!this.#sealed(c, next)) continue;
      const bucket = bucketOf(c.time, now, policy);
      const expired = now - c.time > policy.retentionMs;
      if (expired || (bucket !== null && bucket === bucketOf(next.time, now, policy))) {
        await this.#backend.deleteCheckpoint(c.clock);
      }
    }
  }

  /** True when no entry lies between `c` and the next checkpoint (nothing reads from `c`). */
  #sealed(c: CheckpointInfo, next: CheckpointInfo): boolean {
    const e = firstAfter(this.#entries!, c.clock);
    return e === undefined || e.clock >= next.clock;
  }

  /** Over the byte budget: drop sealed checkpoints, then move the base past old entries. */
  async #fitBytes(writes: number, bound: number): Promise<boolean> {
    const max = this.#options.policy.maxBytes;
    const checkpoints = await this.#backend.checkpoints();
    const entries = this.#entries!;
    let total = sum(checkpoints) + sum(entries);
    let i = 0;
    while (
      total > max && i < checkpoints.length - 1 &&
      this.#sealed(checkpoints[i]!, checkpoints[i + 1]!)
    ) {
      await this.#backend.deleteCheckpoint(checkpoints[i]!.clock);
      total -= checkpoints[i++]!.bytes;
    }
    const deletable = entries.filter((e) => e.clock <= bound);
    if (total <= max || deletable.length === 0) return false;
    if (writes === 0) return true;
    const base = checkpoints.at(-1);
    const estimate = base?.bytes ?? entries[0]!.bytes;
    let removed = (base?.bytes ?? 0) + entries[0]!.bytes;
    let k = 0;
    while (removed - estimate < total - max && k < deletable.length - 1) {
      removed += deletable[++k]!.bytes;
    }
    if (!(await this.#collapse(deletable.slice(0, k + 1), checkpoints))) return false;
    if (base) await this.#backend.deleteCheckpoint(base.clock);
    return true;
  }
}

/** Consecutive runs of old entries (outside the full window) sharing a bucket. */
function oldGroups(
  entries: EntryInfo[],
  now: number,
  policy: ResolvedHistoryPolicy,
): EntryInfo[][] {
  const groups: EntryInfo[][] = [];
  let key: string | null = null;
  for (const e of entries) {
    const bucket = bucketOf(e.time, now, policy);
    if (bucket === null) break;
    if (bucket !== key) groups.push([]);
    groups.at(-1)!.push(e);
    key = bucket;
  }
  return groups;
}

/** The first entry with a clock above `clock` (binary search; entries are in clock order). */
function firstAfter(entries: EntryInfo[], clock: number): EntryInfo | undefined {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.clock <= clock) lo = mid + 1;
    else hi = mid;
  }
  return entries[lo];
}

function sum(items: { bytes: number }[]): number {
  let total = 0;
  for (const item of items) total += item.bytes;
  return total;
}
