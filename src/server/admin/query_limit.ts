/**
 * The `?limit=N` query parameter of admin list endpoints.
 * @module
 */
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
