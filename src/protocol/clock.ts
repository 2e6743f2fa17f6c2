/**
 * Document clocks: the room's commit counter, sent to clients as `serverClock`. A clock read from
 * storage or an import is only believed when it is a whole number from 0 to {@linkcode MAX_CLOCK}:
 * a stored 2^53 loaded as a clock that `+ 1` no longer moves, so every later commit carried the
 * same clock and reconnecting clients missed them. The one home of the bound.
 * @module
 */

/** Largest clock believed: 2^50, decades of commits at a million a second, far below 2^53. */
export const MAX_CLOCK = 2 ** 50;

/** True for a clock this server could have written: an integer from 0 to {@linkcode MAX_CLOCK}. */
export function isClock(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_CLOCK;
}
