/**
 * Nesting depth checks that cannot overflow the stack: the recursion stops one level past the
 * cap, so a 10,000-level value costs at most `max + 1` frames. The same walk finds numbers JSON
 * cannot carry: `1e309` parses as Infinity, which the sender keeps while storage and peers get
 * `null`.
 * @module
 */

/** What is wrong with a value's shape, if anything. */
export const ShapeFault = {
  /** Objects/arrays nest deeper than allowed. */
  TOO_DEEP: "too_deep",
  /** A number that is not finite (JSON has no Infinity or NaN). */
  NOT_FINITE: "not_finite",
} as const;
/** One of {@linkcode ShapeFault}. */
export type ShapeFault = typeof ShapeFault[keyof typeof ShapeFault];

/**
 * The first fault of `value`: objects/arrays nested deeper than `max` levels (a plain object is
 * level 1), or a non-finite number; `null` when it has neither.
 */
export function shapeFault(value: unknown, max: number): ShapeFault | null {
  if (typeof value !== "object" || value === null) {
    return typeof value === "number" && !Number.isFinite(value) ? ShapeFault.NOT_FINITE : null;
  }
  if (max <= 0) return ShapeFault.TOO_DEEP;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const fault = shapeFault(value[i], max - 1);
      if (fault) return fault;
    }
    return null;
  }
  for (const key in value) {
    const fault = shapeFault((value as Record<string, unknown>)[key], max - 1);
    if (fault) return fault;
  }
  return null;
}
