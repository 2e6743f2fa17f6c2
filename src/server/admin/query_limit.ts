/**
 * Integer query parameters of admin endpoints: `?limit=N` of list endpoints, and clock bounds.
 * @module
 */
import { parseClock } from "../../storage/history_target.ts";
import { AdminError } from "./admin_error.ts";

/** Bounds of one list's `?limit=`. */
export interface LimitBounds {
  /** Used when `limit` is absent. */
  default: number;
  /** Largest accepted value; more is a 400. */
  max: number;
}

/**
 * `?limit=` as an integer in 1..max, `bounds.default` when absent.
 * @throws {AdminError} 400 for anything else (not digits, 0, over `max`).
 */
export function queryLimit(url: URL, bounds: LimitBounds): number {
  const text = url.searchParams.get("limit");
  if (text === null) return bounds.default;
  const value = text.length <= 10 && /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= bounds.max)) {
    throw new AdminError(400, "bad_request", `limit must be an integer from 1 to ${bounds.max}`);
  }
  return value;
}

/**
 * `?<name>=` as decimal digits (a safe integer) in min..max, `undefined` when absent.
 * @throws {AdminError} 400 for anything else.
 */
export function queryInteger(url: URL, name: string, min: number, max: number): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null) return undefined;
  const value = parseClock(text);
  if (value === null || value < min || value > max) {
    throw new AdminError(400, "bad_request", `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
