/**
 * A histogram with fixed buckets: cumulative `_bucket{le}` counts, `_sum` and `_count`.
 * @module
 */
import { formatValue, type Metric, type Sample } from "./exposition.ts";

/** Latency buckets in seconds, 1 ms to 10 s. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** A histogram's state at one moment (JSON-friendly: `+Inf` is `count`). */
export interface HistogramSnapshot {
  /** Upper bounds of the finite buckets, ascending. */
  bounds: number[];
  /** Cumulative observations `<=` each bound (same length as `bounds`). */
  cumulative: number[];
  /** Every observation (the `+Inf` bucket). */
  count: number;
  /** Sum of the observations. */
  sum: number;
}

/** A histogram without labels. */
export class Histogram implements Metric {
  /** Always `"histogram"`. */
  readonly type = "histogram" as const;
  /** The family name. */
  readonly name: string;
  /** Help text. */
  readonly help: string;
  #bounds: number[];
  #counts: number[];
  #sum = 0;
  #count = 0;

  /**
   * A histogram with upper bounds `buckets` (ascending, finite; `+Inf` is implied).
   * @throws {RangeError} When the buckets are empty, unsorted or not finite.
   */
  constructor(name: string, help: string, buckets: readonly number[] = LATENCY_BUCKETS) {
    if (
      buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || b <= buckets[i - 1]!)
    ) {
      throw new RangeError(`Cannot create histogram "${name}": buckets must ascend and be finite`);
    }
    this.name = name;
    this.help = help;
    this.#bounds = [...buckets];
    this.#counts = buckets.map(() => 0);
  }

  /** Record one observation. NaN is ignored. */
  observe(value: number): void {
    if (Number.isNaN(value)) return;
    this.#sum += value;
    this.#count++;
    const i = this.#bounds.findIndex((bound) => value <= bound);
    if (i >= 0) this.#counts[i]!++;
  }

  /** Observations so far. */
  get count(): number {
    return this.#count;
  }

  /** Sum of observations so far. */
  get sum(): number {
    return this.#sum;
  }

  /** The buckets (cumulative), count and sum now. */
  snapshot(): HistogramSnapshot {
    let running = 0;
    const cumulative = this.#counts.map((n) => (running += n));
    return { bounds: [...this.#bounds], cumulative, count: this.#count, sum: this.#sum };
  }

  /** Cumulative buckets, then `+Inf`, `_sum` and `_count`. */
  samples(): Sample[] {
    let cumulative = 0;
    const out: Sample[] = this.#bounds.map((bound, i) => {
      cumulative += this.#counts[i]!;
      return { suffix: "_bucket", labels: { le: formatValue(bound) }, value: cumulative };
    });
    out.push({ suffix: "_bucket", labels: { le: "+Inf" }, value: this.#count });
    out.push({ suffix: "_sum", labels: {}, value: this.#sum });
    out.push({ suffix: "_count", labels: {}, value: this.#count });
    return out;
  }
}
