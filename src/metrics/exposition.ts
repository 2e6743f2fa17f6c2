/**
 * The Prometheus text exposition format, version 0.0.4: escaping, number formatting, and the
 * rendering of metric families.
 * @module
 */

/** The Content-Type of a scrape response. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Label names to values. */
export type Labels = Readonly<Record<string, string>>;

/** The metric types this registry renders. */
export type MetricType = "counter" | "gauge" | "histogram";

/** One line of a metric family: `name{labels} value`, the name optionally suffixed. */
export interface Sample {
  /** Appended to the family name, e.g. `_bucket`, `_sum`, `_count`. */
  suffix?: string;
  /** The sample's labels (merged with the family's). */
  labels: Labels;
  /** The sample's value. */
  value: number;
}

/** A metric family the registry can render. */
export interface Metric {
  /** The family name. */
  readonly name: string;
  /** One line of help text. */
  readonly help: string;
  /** The `# TYPE` of the family. */
  readonly type: MetricType;
  /** The family's current samples. */
  samples(): Sample[];
}

/** Escape a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Escape help text: backslash and line feed. */
export function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as Prometheus writes it (`+Inf`, `-Inf`, `NaN`). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** `{a="1",b="2"}`, or the empty string without labels. */
export function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** Render metric families, each as `# HELP`, `# TYPE` and its samples; ends with a newline. */
export function renderMetrics(metrics: Iterable<Metric>): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`);
    lines.push(`# TYPE ${metric.name} ${metric.type}`);
    for (const s of metric.samples()) {
      lines.push(
        `${metric.name}${s.suffix ?? ""}${formatLabels(s.labels)} ${formatValue(s.value)}`,
      );
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
