/**
 * The console script, part 2: the live chart. `GET /admin/stats` gives totals and histogram
 * buckets; two polls give rates (pushes/s, commits/s) and latency quantiles estimated from the
 * bucket deltas (linear within a bucket, as Prometheus' `histogram_quantile` does), drawn as SVG.
 * @module
 */

/** Browser code (a part of `CONSOLE_JS`); defines functions, runs nothing. */
export const CONSOLE_JS_CHART: string = String.raw`
const CHART_POINTS = 60;
const SVG_NS = "http://www.w3.org/2000/svg";

/** The q-quantile of the observations between two histogram snapshots, or null when there were none. */
function estimateQuantile(q, prev, cur) {
  const total = cur.count - prev.count;
  if (!(total > 0)) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (let i = 0; i < cur.bounds.length; i++) {
    const count = cur.cumulative[i] - (prev.cumulative[i] || 0);
    if (count >= rank) {
      const inBucket = count - lowerCount;
      const fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
      return lowerBound + (cur.bounds[i] - lowerBound) * fraction;
    }
    lowerBound = cur.bounds[i];
    lowerCount = count;
  }
  return cur.bounds[cur.bounds.length - 1];
}

/** Rates and latencies (ms) between two polls of /admin/stats, or null when no time passed. */
function statsPoint(prev, cur) {
  const seconds = (cur.now - prev.now) / 1000;
  if (!(seconds > 0)) return null;
  const ms = (q) => {
    const v = estimateQuantile(q, prev.pushes, cur.pushes);
    return v === null ? null : v * 1000;
  };
  return {
    pushes: (cur.pushes.count - prev.pushes.count) / seconds,
    commits: (cur.commits.count - prev.commits.count) / seconds,
    p50: ms(0.5),
    p99: ms(0.99),
  };
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A round upper bound for the y axis. */
function niceCeiling(max) {
  if (!(max > 0)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(max)));
  for (const step of [1, 2, 5, 10]) if (max <= step * power) return step * power;
  return 10 * power;
}

/** Draw series [{ key, cls, label }] of points as polylines (gaps where a value is null). */
function drawChart(el, points, series, unit) {
  const width = 600, height = 160, left = 48, top = 8, bottom = 20;
  let max = 0;
  for (const p of points) for (const s of series) if (p[s.key] > max) max = p[s.key];
  const ceiling = niceCeiling(max);
  const x = (i) => left + ((width - left - 4) * (CHART_POINTS - points.length + i)) / (CHART_POINTS - 1);
  const y = (v) => top + (height - top - bottom) * (1 - v / ceiling);
  const nodes = [
    svg("line", { x1: left, y1: y(0), x2: width - 4, y2: y(0), class: "axis" }),
    svg("line", { x1: left, y1: y(ceiling), x2: width - 4, y2: y(ceiling), class: "grid" }),
    svg("text", { x: left - 4, y: y(ceiling) + 4, class: "tick" }, ceiling + " " + unit),
    svg("text", { x: left - 4, y: y(0) + 4, class: "tick" }, "0"),
  ];
  series.forEach((s, n) => {
    let run = [];
    const flush = () => {
      if (run.length > 1) nodes.push(svg("polyline", { points: run.join(" "), class: "line " + s.cls }));
      if (run.length === 1) nodes.push(svg("circle", { cx: run[0].split(",")[0], cy: run[0].split(",")[1], r: 2, class: "dot " + s.cls }));
      run = [];
    };
    points.forEach((p, i) => {
      if (typeof p[s.key] === "number") run.push(x(i).toFixed(1) + "," + y(p[s.key]).toFixed(1));
      else flush();
    });
    flush();
    nodes.push(svg("text", { x: left + 8 + n * 110, y: height - 4, class: "legend " + s.cls }, s.label));
  });
  el.replaceChildren(...nodes);
}

const TOTALS = [
  ["Rooms live", (s) => s.rooms],
  ["Sessions", (s) => s.sessions],
  ["Connections (total)", (s) => s.connectionsTotal],
  ["Pushes acknowledged", (s) => s.pushes.count],
  ["Commits", (s) => s.commits.count],
  ["Frames in / out", (s) => s.messagesIn + " / " + s.messagesOut],
  ["Bytes in / out", (s) => formatBytes(s.bytesIn) + " / " + formatBytes(s.bytesOut)],
];

function renderStats(stats) {
  const items = [];
  for (const [label, read] of TOTALS) {
    items.push(h("dt", { text: label }), h("dd", { text: read(stats), "data-stat": label }));
  }
  $("totals").replaceChildren(...items);
  if (state.lastStats) {
    const point = statsPoint(state.lastStats, stats);
    if (point) state.samples.push(point);
    while (state.samples.length > CHART_POINTS) state.samples.shift();
  }
  state.lastStats = stats;
  const last = state.samples[state.samples.length - 1];
  $("rates-now").textContent = last
    ? "pushes/s " + formatNumber(last.pushes, 1) + " · commits/s " + formatNumber(last.commits, 1) +
      " · p50 " + formatNumber(last.p50, 1) + " ms · p99 " + formatNumber(last.p99, 1) + " ms"
    : "collecting…";
  drawChart($("chart-rates"), state.samples, [
    { key: "pushes", cls: "s-pushes", label: "pushes/s" },
    { key: "commits", cls: "s-commits", label: "commits/s" },
  ], "/s");
  drawChart($("chart-latency"), state.samples, [
    { key: "p50", cls: "s-p50", label: "p50" },
    { key: "p99", cls: "s-p99", label: "p99" },
  ], "ms");
}
`;
