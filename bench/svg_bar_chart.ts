// A dependency-free grouped bar chart as an SVG string: one group per measurement, one bar per
// target inside each group, the value printed above each bar.

/** One target's bars: a value (or nothing) per group. */
export interface BarSeries {
  name: string;
  color: string;
  values: (number | undefined)[];
}

/** What to draw. */
export interface BarChart {
  title: string;
  /** Second line under the title, e.g. "ms, lower is better". */
  subtitle: string;
  groups: string[];
  series: BarSeries[];
}

const WIDTH = 760;
const HEIGHT = 400;
const PLOT = { left: 64, right: 16, top: 116, bottom: 44 } as const;
const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\"";

/** Render `chart` as a standalone SVG document. */
export function renderBarChart(chart: BarChart): string {
  const max = niceMax(Math.max(0, ...chart.series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
    `viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(16, 24, chart.title, 'font-size="16" font-weight="600"'),
    text(16, 44, chart.subtitle, 'font-size="12" fill="#555"'),
    ...legend(chart.series),
    ...axis(max),
    ...bars(chart, max),
    "</svg>",
  ];
  return parts.join("\n") + "\n";
}

function legend(series: BarSeries[]): string[] {
  const out: string[] = [];
  const perRow = 3;
  series.forEach((s, i) => {
    const x = 16 + (i % perRow) * 240;
    const y = 58 + Math.floor(i / perRow) * 18;
    out.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${s.color}"/>`);
    out.push(text(x + 17, y + 10, s.name, 'font-size="12"'));
  });
  return out;
}

function axis(max: number): string[] {
  const out: string[] = [];
  const bottom = HEIGHT - PLOT.bottom;
  const divisions = axisDivisions(max);
  for (let i = 0; i <= divisions; i++) {
    const v = (max * i) / divisions;
    const y = bottom - (v / max) * (bottom - PLOT.top);
    const stroke = i === 0 ? "#888" : "#e5e5e5";
    out.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${WIDTH - PLOT.right}" y2="${y}" stroke="${stroke}"/>`,
    );
    out.push(text(PLOT.left - 6, y + 4, formatValue(v), 'font-size="11" text-anchor="end"'));
  }
  return out;
}

function bars(chart: BarChart, max: number): string[] {
  const out: string[] = [];
  const bottom = HEIGHT - PLOT.bottom;
  const groupWidth = (WIDTH - PLOT.left - PLOT.right) / chart.groups.length;
  const barWidth = (groupWidth * 0.84) / chart.series.length;
  chart.groups.forEach((group, g) => {
    const x0 = PLOT.left + g * groupWidth + groupWidth * 0.08;
    chart.series.forEach((s, i) => {
      const v = s.values[g];
      const x = x0 + i * barWidth;
      const cx = x + barWidth / 2;
      if (v === undefined) {
        out.push(text(cx, bottom - 4, "–", 'font-size="10" text-anchor="middle" fill="#999"'));
        return;
      }
      const h = (v / max) * (bottom - PLOT.top);
      out.push(
        `<rect x="${r(x + 1)}" y="${r(bottom - h)}" width="${r(barWidth - 2)}" height="${r(h)}" ` +
          `fill="${s.color}"><title>${escapeXml(`${s.name}: ${v}`)}</title></rect>`,
      );
      const label = formatValue(v);
      const size = labelFontSize(label, barWidth);
      out.push(text(cx, bottom - h - 4, label, `font-size="${size}" text-anchor="middle"`));
    });
    const label = text(x0 + groupWidth * 0.42, bottom + 20, group, 'font-size="12"');
    out.push(label.replace("<text ", '<text text-anchor="middle" '));
  });
  return out;
}

/** A value label's font size: 10, smaller (down to 7) when it would be wider than its bar. */
export function labelFontSize(label: string, barWidth: number): number {
  const fits = (barWidth + 2) / (label.length * 0.58);
  return r(Math.max(7, Math.min(10, fits)));
}

function text(x: number, y: number, content: string, attrs: string): string {
  return `<text x="${r(x)}" y="${r(y)}" ${FONT} ${attrs}>${escapeXml(content)}</text>`;
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at or above 1.1 × `value`. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const target = value * 1.1;
  const power = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * power >= target) return step * power;
  }
  return 10 * power;
}

/** How many gridline steps divide `max` (a {@link niceMax} value) into round numbers. */
export function axisDivisions(max: number): number {
  const mantissa = Math.round((max / 10 ** Math.floor(Math.log10(max))) * 10) / 10;
  return ({ 1.5: 3, 3: 3, 6: 3, 2: 4, 4: 4, 8: 4 } as Record<number, number>)[mantissa] ?? 5;
}

/** 32000 → "32k", 1994 → "1,994", 31.5 → "31.5". */
export function formatValue(v: number): string {
  if (Math.abs(v) < 1) return String(Number(v.toPrecision(2)));
  if (v >= 10_000 && v % 1000 === 0) return `${v / 1000}k`;
  const n = Math.round(v);
  if (n >= 1_000_000) return `${Math.round(n / 100_000) / 10}M`;
  if (n >= 1000) return `${Math.floor(n / 1000)},${String(n % 1000).padStart(3, "0")}`;
  return String(Math.round(v * 10) / 10);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}
