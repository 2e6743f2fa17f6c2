/**
 * One timer for many batching windows. Every outbox's window has the same length, so windows end
 * in the order they start: a FIFO and a single timer armed for the oldest replace one timer per
 * session per window (timer creation dominated the send path with many small rooms).
 * @module
 */
import { Batching } from "../protocol/version.ts";
import type { TimerHandle, TimeSource } from "../ports/time_source.ts";

/** A window that is open; `close` runs when it ends unless it was cancelled. */
export interface Window {
  /** When the window ends (ms, the time source's clock). */
  readonly endsAt: number;
  /** False once cancelled or closed. */
  open: boolean;
  /** Runs when the window ends. */
  readonly close: () => void;
}

/** Windows of `Batching.windowMs` ms on one time source. */
export class WindowScheduler {
  #time: TimeSource;
  #queue: Window[] = [];
  #head = 0;
  #timer: TimerHandle | undefined;
  #armedFor = Infinity;

  /** Windows on `time`. */
  constructor(time: TimeSource) {
    this.#time = time;
  }

  /** Open a window now; `close` runs when it ends. */
  open(close: () => void): Window {
    const endsAt = this.#time.now() + Batching.windowMs;
    const window: Window = { endsAt, open: true, close };
    this.#queue.push(window);
    if (this.#timer === undefined) this.#arm(endsAt);
    return window;
  }

  /** Cancel a window without running its `close`. */
  cancel(window: Window): void {
    window.open = false;
  }

  #arm(at: number): void {
    this.#armedFor = at;
    this.#timer = this.#time.setTimeout(
      () => this.#fire(),
      Math.max(0, at - this.#time.now()),
    );
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    // Within 1 ms counts as ended: timers fire late, never meaningfully early.
    const now = this.#time.now() + 1;
    const queue = this.#queue;
    while (
      this.#head < queue.length && (!queue[this.#head]!.open || queue[this.#head]!.endsAt <= now)
    ) {
      const window = queue[this.#head++]!;
      if (!window.open) continue;
      window.open = false;
      window.close();
    }
    if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#head < this.#queue.length) this.#arm(this.#queue[this.#head]!.endsAt);
    else {
      this.#queue = [];
      this.#head = 0;
    }
  }
}

const schedulers = new WeakMap<TimeSource, WindowScheduler>();

/** The scheduler shared by everything on `time` (one per process for the system clock). */
export function windowSchedulerFor(time: TimeSource): WindowScheduler {
  let scheduler = schedulers.get(time);
  if (!scheduler) schedulers.set(time, scheduler = new WindowScheduler(time));
  return scheduler;
}
