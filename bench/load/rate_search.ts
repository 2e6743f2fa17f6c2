// The saturation search: double the rate from `start` until a rate fails (or `max` passes), then
// bisect between the last passing and the first failing rate until they are within `tolerance`
// of each other, in at most `maxSteps` rates tried in all.

export interface RateSearchOptions {
  start: number;
  max: number;
  /** Lowest rate the downward ramp tries (default 1). */
  min?: number;
  /** Stop bisecting once failing / passing ≤ 1 + tolerance. Default 0.1. */
  tolerance?: number;
  /** Most rates tried, ramp and bisection together. Default 16. */
  maxSteps?: number;
}

export interface RateSearchResult {
  /** Highest passing rate (0 when none passed). */
  best: number;
  /** Lowest failing rate above `best` (undefined when `max` passed). */
  failedAt: number | undefined;
  /** Every rate tried, in order. */
  tried: number[];
}

/** Find the highest rate `passes` accepts; see the file comment. */
export async function searchMaxRate(
  passes: (rate: number) => Promise<boolean>,
  opts: RateSearchOptions,
): Promise<RateSearchResult> {
  const tolerance = opts.tolerance ?? 0.1;
  const maxSteps = opts.maxSteps ?? 16;
  const tried: number[] = [];
  const attempt = async (rate: number) => (tried.push(rate), await passes(rate));
  let lo = 0;
  let hi: number | undefined;
  // Ramp: up by doubling from a passing start, down by halving from a failing one (to `min`).
  for (let rate = opts.start; tried.length < maxSteps;) {
    if (await attempt(rate)) {
      lo = rate;
      if (hi !== undefined || rate >= opts.max) break;
      rate = Math.min(opts.max, rate * 2);
    } else {
      hi = rate;
      const next = Math.floor(rate / 2);
      if (lo > 0 || next < (opts.min ?? 1)) break;
      rate = next;
    }
  }
  while (hi !== undefined && lo > 0 && hi / lo > 1 + tolerance && tried.length < maxSteps) {
    const mid = Math.round(Math.sqrt(lo * hi));
    if (mid <= lo || mid >= hi) break;
    if (await attempt(mid)) lo = mid;
    else hi = mid;
  }
  return { best: lo, failedAt: hi, tried };
}
