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

/**
 * The real clock with timers that keep the process alive (unlike {@linkcode systemTime}'s): for
 * work a caller may be awaiting, such as a commit waiting to be started or written, which a
 * process with nothing else to do must not drop.
 */
export const keepAliveTime: TimeSource = {
  now: (): number => Date.now(),
  setTimeout: (fn: () => void, ms: number): TimerHandle => setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle): void => clearTimeout(handle as number),
};
