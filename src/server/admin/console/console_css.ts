/**
 * The operator console's stylesheet (served as `/admin/console/app.css`).
 * @module
 */

/** Plain CSS: system fonts, no external resources. */
export const CONSOLE_CSS: string = `
:root { color-scheme: light dark; --fg: #1d2024; --muted: #667; --line: #ccd; --accent: #2f6fdf;
  --bad: #c0392b; --bg: #fff; --row: #f3f5f9; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e8eb; --muted: #9aa; --line: #445; --bg: #16181c; --row: #22252b; }
}
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0 16px 48px; max-width: 1200px;
  color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; justify-content: space-between; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; } h3 { font-size: 15px; }
code { font-size: 13px; }
#status { min-height: 1.4em; } .error, #login-error { color: var(--bad); }
.hint, .more { color: var(--muted); }
input[type=password], input[type=search] { font: inherit; padding: 4px 6px; min-width: 18em; }
button { font: inherit; padding: 3px 10px; cursor: pointer; }
button.link { border: 0; background: none; color: var(--accent); padding: 0; text-decoration: underline; }
button.danger { color: var(--bad); }
table { border-collapse: collapse; margin: 8px 0; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top;
  overflow-wrap: break-word; } th { white-space: nowrap; }
td { max-width: 40em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.selected { background: var(--row); }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dt { color: var(--muted); } dd { margin: 0; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
figure { margin: 0; } figcaption { color: var(--muted); }
svg { width: 100%; height: auto; border: 1px solid var(--line); }
svg .axis { stroke: var(--muted); } svg .grid { stroke: var(--line); stroke-dasharray: 4 4; }
svg .tick { fill: var(--muted); font-size: 11px; text-anchor: end; }
svg .line { fill: none; stroke-width: 2; } svg .legend { font-size: 12px; }
.s-pushes, .s-p50 { stroke: #2f6fdf; fill: #2f6fdf; } .s-commits, .s-p99 { stroke: #e67e22; fill: #e67e22; }
svg text.s-pushes, svg text.s-commits, svg text.s-p50, svg text.s-p99 { stroke: none; }
svg .line.s-pushes, svg .line.s-commits, svg .line.s-p50, svg .line.s-p99 { fill: none; }
.confirm { border: 1px solid var(--bad); padding: 8px 12px; margin: 8px 0; }
.actions button { margin-right: 6px; }
`;
