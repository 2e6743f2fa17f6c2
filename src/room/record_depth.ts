/**
 * Nesting depth checks that cannot overflow the stack: the recursion stops one level past the
 * cap, so a 10,000-level value costs at most `max + 1` frames.
 * @module
 */

/** True when `value` nests objects/arrays deeper than `max` levels (a plain object is level 1). */
export function exceedsDepth(value: unknown, max: number): boolean {
  return over(value, max);
}

function over(value: unknown, remaining: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (remaining <= 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (over(value[i], remaining - 1)) return true;
    return false;
  }
  for (const key in value) {
    if (over((value as Record<string, unknown>)[key], remaining - 1)) return true;
  }
  return false;
}
