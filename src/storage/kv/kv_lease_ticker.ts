/**
 * One timer renews every lease of a storage provider: each period, every registered lease
 * renews in the same task, so the commit batcher packs the renewals into as few atomics as its
 * check limit allows. A lease renewed on its own timer cost an atomic (an fsync) per room every
 * third of the lease lifetime: 100 open rooms, 50 atomics a second, idle or not.
 * A lease that joins waits at most one period for its first renewal, as with its own timer.
 * @module
 */
import { systemTime, type TimerHandle, type TimeSource } from "../../ports/time_source.ts";

/** Runs its callbacks together once per period while any is registered. */
export class LeaseTicker {
  #periodMs: number;
  #time: TimeSource;
  #renewals = new Set<() => void>();
  #timer: TimerHandle | undefined;

  /** Every `periodMs` on `time` (the system clock's timers do not keep a process alive). */
  constructor(periodMs: number, time: TimeSource = systemTime) {
    this.#periodMs = periodMs;
    this.#time = time;
  }

  /** Call `renew` every period from now on; returns the function that stops it. */
  add(renew: () => void): () => void {
    this.#renewals.add(renew);
    this.#arm();
    return () => {
      this.#renewals.delete(renew);
      if (this.#renewals.size === 0 && this.#timer !== undefined) {
        this.#time.clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#time.setTimeout(() => this.#tick(), this.#periodMs);
  }

  #tick(): void {
    this.#timer = undefined;
    let failure: unknown = undefined;
    for (const renew of [...this.#renewals]) {
      try {
        renew();
      } catch (error) {
        failure ??= error; // the other leases still renew
      }
    }
    if (this.#renewals.size > 0) this.#arm();
    if (failure !== undefined) throw failure;
  }
}
