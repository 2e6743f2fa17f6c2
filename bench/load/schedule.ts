// Open-loop send schedules: every client sends on its own clock, whether or not its earlier pushes
// were acknowledged. Time is cut into ticks of `periodMs` holding `perPeriod` sends (by default one
// per client), taken by the clients in turn. `staggered`: the sends of a tick are spread evenly
// over it (client i of n sends at i/n of the tick), so the server sees an even stream; `burst`:
// all of a tick's sends go at its start, as clients driven by one synchronized tick would send.

/** The schedules a workload can run. */
export const SCHEDULES = ["staggered", "burst"] as const;
export type Schedule = typeof SCHEDULES[number];

/** A schedule over `clients` clients. */
export interface Plan {
  schedule: Schedule;
  clients: number;
  periodMs: number;
  /** Sends per tick (may be fractional: a rate × a tick). Default: `clients`. */
  perPeriod?: number;
}

/** When, in ms after the start of each tick, client i of `n` sends (one send per client a tick). */
export function phaseOffsets(schedule: Schedule, n: number, periodMs: number): number[] {
  return Array.from({ length: n }, (_, i) => nthSend({ schedule, clients: n, periodMs }, i).atMs);
}

/** The j-th send (0-based) of the whole run: which client sends it, and when (ms from start). */
export function nthSend(plan: Plan, j: number): { client: number; atMs: number } {
  const perPeriod = plan.perPeriod ?? plan.clients;
  const atMs = plan.schedule === "burst"
    ? Math.floor(j / perPeriod) * plan.periodMs
    : (j * plan.periodMs) / perPeriod;
  return { client: j % plan.clients, atMs };
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
 * Run `plan` for `durationMs`: call `send(client)` for every send that is due (late ones are sent
 * at once, never skipped), sleeping until the next; return at the end of the duration (so a rate
 * is measured over the whole of it) with how many sends were made.
 */
export async function runOpenLoop(
  plan: Plan,
  durationMs: number,
  send: (client: number) => void,
  clock: Clock = realClock,
): Promise<number> {
  const start = clock.now();
  let j = 0;
  for (;;) {
    const elapsed = clock.now() - start;
    let next = nthSend(plan, j);
    while (next.atMs <= elapsed && next.atMs < durationMs) {
      send(next.client);
      next = nthSend(plan, ++j);
    }
    if (next.atMs >= durationMs && elapsed >= durationMs) return j;
    await clock.sleep(Math.max(1, Math.min(next.atMs, durationMs) - elapsed));
  }
}
