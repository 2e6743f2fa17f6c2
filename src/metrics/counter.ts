/**
 * A monotonically increasing counter, optionally split by labels.
 * @module
 */
import type { Labels, Metric, Sample } from "./exposition.ts";

/** Options of a {@linkcode Counter}. */
export interface CounterOptions {
  /** Label names every increment must carry. Default: none. */
  labelNames?: readonly string[];
  /** Distinct label sets kept; later new sets are counted under every label = "other". Default 100. */
  maxSeries?: number;
}

interface Series {
  labels: Labels;
  value: number;
}

/** A counter (`_total`). */
export class Counter implements Metric {
  /** Always `"counter"`. */
  readonly type = "counter" as const;
  /** The family name. */
  readonly name: string;
  /** Help text. */
  readonly help: string;
  #labelNames: readonly string[];
  #maxSeries: number;
  #series = new Map<string, Series>();
  // The one series of an unlabeled counter, kept to skip the label lookup on every increment.
  #unlabeled: Series | undefined;

  /** A counter at zero. */
  constructor(name: string, help: string, options: CounterOptions = {}) {
    this.name = name;
    this.help = help;
    this.#labelNames = options.labelNames ?? [];
    this.#maxSeries = options.maxSeries ?? 100;
    if (this.#labelNames.length === 0) {
      this.#unlabeled = { labels: {}, value: 0 };
      this.#series.set("", this.#unlabeled);
    }
  }

  /** Add `by` (default 1) to the series of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`Cannot increase counter "${this.name}" by ${by}`);
    (this.#unlabeled ?? this.#find(labels)).value += by;
  }

  /** The current value of the series of `labels` (0 if never increased). */
  get(labels: Labels = {}): number {
    return this.#series.get(this.#key(labels))?.value ?? 0;
  }

  /** Every series. */
  samples(): Sample[] {
    return [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }

  #find(labels: Labels): Series {
    let key = this.#key(labels);
    let series = this.#series.get(key);
    if (series) return series;
    let picked = this.#pick(labels);
    if (this.#series.size >= this.#maxSeries) {
      // Unbounded label values (e.g. host-chosen refusal reasons) must not grow memory forever.
      picked = Object.fromEntries(this.#labelNames.map((n) => [n, "other"]));
      key = this.#key(picked);
      series = this.#series.get(key);
      if (series) return series;
    }
    series = { labels: picked, value: 0 };
    this.#series.set(key, series);
    return series;
  }

  #pick(labels: Labels): Labels {
    return Object.fromEntries(this.#labelNames.map((n) => [n, labels[n] ?? ""]));
  }

  /** The series key of `labels` (missing names count as ""), built without picking first. */
  #key(labels: Labels): string {
    const names = this.#labelNames;
    if (names.length === 1) return labels[names[0]!] ?? "";
    let key = "";
    for (let i = 0; i < names.length; i++) {
      if (i > 0) key += "\u0000";
      key += labels[names[i]!] ?? "";
    }
    return key;
  }
}
