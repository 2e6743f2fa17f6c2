/**
 * A value that goes up and down, set directly or read when scraped.
 * @module
 */
import type { Metric, Sample } from "./exposition.ts";

/** Options of a {@linkcode Gauge}. */
export interface GaugeOptions {
  /** Read the value at scrape time instead of keeping one. */
  collect?: () => number;
}

/** A gauge without labels. */
export class Gauge implements Metric {
  /** Always `"gauge"`. */
  readonly type = "gauge" as const;
  /** The family name. */
  readonly name: string;
  /** Help text. */
  readonly help: string;
  #value = 0;
  #collect: (() => number) | undefined;

  /** A gauge at zero (or reading `options.collect`). */
  constructor(name: string, help: string, options: GaugeOptions = {}) {
    this.name = name;
    this.help = help;
    this.#collect = options.collect;
  }

  /** Set the value. */
  set(value: number): void {
    this.#value = value;
  }

  /** Add `by` (default 1). */
  inc(by = 1): void {
    this.#value += by;
  }

  /** Subtract `by` (default 1). */
  dec(by = 1): void {
    this.#value -= by;
  }

  /** The current value. */
  get(): number {
    return this.#collect ? this.#collect() : this.#value;
  }

  /** One sample. */
  samples(): Sample[] {
    return [{ labels: {}, value: this.get() }];
  }
}
