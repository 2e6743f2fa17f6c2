/**
 * Parse what a user names a restore point by: a clock (decimal digits only) or an ISO 8601 time.
 * Linear checks, no backtracking patterns; anything else is `null`.
 * @module
 */

/** Longest accepted text (an ISO time with milliseconds and an offset fits easily). */
export const MAX_TARGET_CHARS = 40;

/** A clock, or a wall time to resolve to the newest point at or before it. */
export type HistoryTarget = { clock: number } | { time: number };

/** A clock written as decimal digits (a safe integer), else `null`. */
export function parseClock(text: string): number | null {
  if (text.length === 0 || text.length > 16) return null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const clock = Number(text);
  return Number.isSafeInteger(clock) ? clock : null;
}

/**
 * An ISO 8601 date-time (`YYYY-MM-DDTHH:MM[:SS[.sss]]` with `Z` or an offset, or a bare
 * `YYYY-MM-DD`) in ms since the epoch, else `null`.
 */
export function parseIsoTime(text: string): number | null {
  if (text.length < 10 || text.length > MAX_TARGET_CHARS) return null;
  if (!isDigits(text, 0, 4) || text[4] !== "-" || !isDigits(text, 5, 7) || text[7] !== "-") {
    return null;
  }
  if (!isDigits(text, 8, 10)) return null;
  if (text.length > 10 && text[10] !== "T" && text[10] !== "t") return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** A clock (a JSON number or digits) or an ISO time, else `null`. */
export function parseHistoryTarget(value: unknown): HistoryTarget | null {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value >= 0 ? { clock: value } : null;
  }
  if (typeof value !== "string") return null;
  const clock = parseClock(value);
  if (clock !== null) return { clock };
  const time = parseIsoTime(value);
  return time === null ? null : { time };
}

function isDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
