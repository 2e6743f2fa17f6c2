/**
 * Wall time, injected so tests can drive it.
 * @module
 */

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** The only way the engine reads or waits on wall time. */
export interface TimeSource {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `fn` after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancel a timer made by `setTimeout`. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. */
export const systemTime: TimeSource = {
  now: (): number => Date.now(),
  setTimeout: (fn: () => void, ms: number): TimerHandle => {
    const handle = setTimeout(fn, ms);
    // Do not keep a process alive just for engine timers (Deno/Bun timers both support unref).
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle: TimerHandle): void => clearTimeout(handle as number),
};
