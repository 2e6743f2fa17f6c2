/**
 * A manually driven {@linkcode TimeSource} for tests.
 * @module
 */
import type { TimerHandle, TimeSource } from "../ports/time_source.ts";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Time that moves only when `tick()` is called. */
export class FakeTime implements TimeSource {
  #now: number;
  #timers: Timer[] = [];
  #nextId = 1;

  /** Start at `start` ms. */
  constructor(start = 1_000_000) {
    this.#now = start;
  }

  /** Current fake time. */
  now(): number {
    return this.#now;
  }

  /** Schedule `fn` at now + ms. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return timer.id;
  }

  /** Cancel a timer. */
  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Advance by `ms`, running due timers in time order. */
  tick(ms: number): void {
    const end = this.#now + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) =>
        a.at - b.at || a.id - b.id
      );
      const next = due[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = end;
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.#timers.length;
  }
}
