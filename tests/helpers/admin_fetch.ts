// Test-only: HTTP calls to the admin API and the metrics endpoint, plus a tiny parser of the
// Prometheus text exposition format.
import type { Served } from "./serve.ts";

export const ADMIN_TOKEN = "test-admin-token";

export interface AdminReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Call `/admin/...` with the test token (or `token`, or none when `null`). */
export async function admin(
  server: Served,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; token?: string | null } = {},
): Promise<AdminReply> {
  const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers["authorization"] = `Bearer ${token}`;
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const res = await fetch(`${server.http}${path}`, { method, headers, ...(body ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

/** One sample line: `name{labels} value`. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse Prometheus text 0.0.4; throws on any line that is not a comment or a sample. */
export function parseExposition(text: string): {
  types: Map<string, string>;
  samples: ParsedSample[];
} {
  const types = new Map<string, string>();
  const samples: ParsedSample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/
      .exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new SyntaxError(`Not a sample line: ${line}`);
    samples.push({ name: m[1]!, labels: parseLabels(m[2] ?? ""), value: parseValue(m[3]!) });
  }
  return { types, samples };
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text)) !== null) {
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    consumed = re.lastIndex;
    if (m[3] === "") break;
  }
  if (consumed !== text.length) throw new SyntaxError(`Bad labels: {${text}}`);
  return labels;
}

function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  const n = Number(text);
  if (Number.isNaN(n)) throw new SyntaxError(`Bad value: ${text}`);
  return n;
}

/** The value of the sample `name` whose labels include `labels` (undefined if absent). */
export function sampleValue(
  parsed: { samples: ParsedSample[] },
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return parsed.samples.find((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  )?.value;
}

/** GET /metrics and parse it. */
export async function scrape(
  server: Served,
  token?: string,
): Promise<{ types: Map<string, string>; samples: ParsedSample[] }> {
  const res = await fetch(`${server.http}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return parseExposition(await res.text());
}
