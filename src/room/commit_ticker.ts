/**
 * When rooms start their commits. Storage that writes many rooms' commits as one (a group commit
 * in KV) asks for a gather period: an idle process starts a commit at the end of the current
 * task; once commits started less than a period ago, the next ones wait until the period is over
 * and then all start in one task, where storage packs them into one write.
 * A room builds its commit when it starts, not when it asks: every change made while it waited
 * is in it, so a change waits at most one period before its write begins (a commit built first
 * and then held in a storage queue would make changes that arrive meanwhile wait for the next
 * one, about two periods).
 * @module
 */
import {
  keepAliveTime,
  systemTime,
  type TimerHandle,
  type TimeSource,
} from "../ports/time_source.ts";

/** Rate-limits commit starts to one batch per `periodMs`, process-wide per time source. */
export class CommitTicker {
  #time: TimeSource;
  #periodMs: number;
  #waiting: (() => void)[] = [];
  #lastStart = -Infinity;
  #timer: TimerHandle | undefined;
  #queued = false;

  /** Batches at least `periodMs` apart on `time`. */
  constructor(time: TimeSource, periodMs: number) {
    this.#time = time;
    this.#periodMs = periodMs;
  }

  /** Run `start` with the next batch: at the end of this task when idle, else when the period ends. */
  schedule(start: () => void): void {
    this.#waiting.push(start);
    if (this.#queued || this.#timer !== undefined) return;
    const wait = this.#lastStart + this.#periodMs - this.#time.now();
    if (wait <= 0) {
      this.#queued = true;
      queueMicrotask(() => this.#run());
    } else {
      this.#timer = this.#time.setTimeout(() => this.#run(), wait);
    }
  }

  #run(): void {
    this.#queued = false;
    this.#timer = undefined;
    this.#lastStart = this.#time.now();
    const batch = this.#waiting;
    this.#waiting = [];
    let failure: unknown = undefined;
    for (const start of batch) {
      try {
        start();
      } catch (error) {
        failure ??= error; // the other rooms still start
      }
    }
    if (failure !== undefined) throw failure;
  }
}

const tickers = new WeakMap<TimeSource, Map<number, CommitTicker>>();

/**
 * The ticker shared by every room on `time` with a gather period of `periodMs` (one per process
 * for the system clock). The system clock's timers keep the process alive here: a caller may be
 * awaiting the commit.
 */
export function commitTickerFor(time: TimeSource, periodMs: number): CommitTicker {
  let byPeriod = tickers.get(time);
  if (!byPeriod) tickers.set(time, byPeriod = new Map());
  let ticker = byPeriod.get(periodMs);
  if (!ticker) {
    ticker = new CommitTicker(time === systemTime ? keepAliveTime : time, periodMs);
    byPeriod.set(periodMs, ticker);
  }
  return ticker;
}
