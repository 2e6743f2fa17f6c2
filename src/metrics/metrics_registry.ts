/**
 * A tiny metrics registry: create counters, gauges and histograms, render them all as
 * Prometheus text.
 * @module
 */
import { Counter, type CounterOptions } from "./counter.ts";
import { type Metric, renderMetrics } from "./exposition.ts";
import { Gauge, type GaugeOptions } from "./gauge.ts";
import { Histogram } from "./histogram.ts";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Named metric families in registration order. */
export class MetricsRegistry {
  #metrics = new Map<string, Metric>();

  /** Create and register a counter. */
  counter(name: string, help: string, options: CounterOptions = {}): Counter {
    for (const label of options.labelNames ?? []) {
      if (!LABEL_NAME.test(label) || label.startsWith("__")) {
        throw new TypeError(`Cannot create counter "${name}": invalid label name "${label}"`);
      }
    }
    return this.register(new Counter(name, help, options));
  }

  /** Create and register a gauge. */
  gauge(name: string, help: string, options: GaugeOptions = {}): Gauge {
    return this.register(new Gauge(name, help, options));
  }

  /** Create and register a histogram with fixed `buckets` (default: latency in seconds). */
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, buckets));
  }

  /**
   * Register any metric family.
   * @throws {TypeError} When the name is invalid or already registered.
   */
  register<M extends Metric>(metric: M): M {
    if (!METRIC_NAME.test(metric.name)) {
      throw new TypeError(`Cannot register metric "${metric.name}": invalid name`);
    }
    if (this.#metrics.has(metric.name)) {
      throw new TypeError(`Cannot register metric "${metric.name}": already registered`);
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  /** Every family as Prometheus text exposition format 0.0.4. */
  render(): string {
    return renderMetrics(this.#metrics.values());
  }
}
