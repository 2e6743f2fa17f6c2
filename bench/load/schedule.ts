// Open-loop send schedules: every client sends on its own clock, whether or not its earlier pushes
// were acknowledged. `staggered`: client i of n sends at i/n of each period, so the server sees an
// even stream; `burst`: all n send at the start of each period, as a synchronized tick would.

/** The schedules a workload can run. */
export const SCHEDULES = ["staggered", "burst"] as const;
export type Schedule = typeof SCHEDULES[number];

/** When, in ms after the start of each period, client i of `n` sends. */
export function phaseOffsets(schedule: Schedule, n: number, periodMs: number): number[] {
  return Array.from({ length: n }, (_, i) => schedule === "burst" ? 0 : (i * periodMs) / n);
}

/** The j-th send (0-based) of the whole run: which client sends it, and when (ms from start). */
export function nthSend(
  schedule: Schedule,
  n: number,
  periodMs: number,
  j: number,
): { client: number; atMs: number } {
  const client = j % n;
  const period = Math.floor(j / n);
  const phase = schedule === "burst" ? 0 : (client * periodMs) / n;
  return { client, atMs: period * periodMs + phase };
}

/** A clock and a sleep: real ones in the bench, fake ones in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * Run `schedule` for `durationMs`: call `send(client)` for every send that is due (late ones are
 * sent at once, never skipped), sleeping until the next; return at the end of the duration (so a
 * rate is measured over the whole of it) with how many sends were made.
 */
export async function runOpenLoop(
  schedule: Schedule,
  n: number,
  periodMs: number,
  durationMs: number,
  send: (client: number) => void,
  clock: Clock = realClock,
): Promise<number> {
  const start = clock.now();
  let j = 0;
  for (;;) {
    const elapsed = clock.now() - start;
    let next = nthSend(schedule, n, periodMs, j);
    while (next.atMs <= elapsed && next.atMs < durationMs) {
      send(next.client);
      next = nthSend(schedule, n, periodMs, ++j);
    }
    if (next.atMs >= durationMs && elapsed >= durationMs) return j;
    await clock.sleep(Math.max(1, Math.min(next.atMs, durationMs) - elapsed));
  }
}
