/**
 * Which runtime we are on.
 * @module
 */

/** True under Bun. */
export function isBun(): boolean {
  return typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
}

/** True under Deno. */
export function isDeno(): boolean {
  return typeof (globalThis as { Deno?: { upgradeWebSocket?: unknown } }).Deno?.upgradeWebSocket ===
    "function";
}
