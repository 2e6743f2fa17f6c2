// The unfurl scanner before the linear rewrite (main:src/unfurl/), kept only for bench/micro/unfurl_scan.ts.
// deno-lint-ignore-file
/**
 * A small, forgiving HTML scanner for page metadata (pure): tags with their attributes, the
 * `<title>` text, and entity decoding. It is not an HTML parser; it only needs the `<head>`.
 * @module
 */

/** A start tag's attributes, names lower-cased, values entity-decoded. */
export type Attributes = Record<string, string>;

/** Drop comments, scripts, styles and templates, whose text could look like tags. */
export function stripInert(html: string): string {
  return html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, "")
    .replace(/<(script|style|template|noscript)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi, "");
}

/** The attributes of every `<name …>` start tag, in document order. */
export function findTags(html: string, name: string): Attributes[] {
  const out: Attributes[] = [];
  const tag = new RegExp(`<${name}\\b((?:[^>"']|"[^"]*"|'[^']*')*)>`, "gi");
  for (const match of html.matchAll(tag)) out.push(parseAttributes(match[1] ?? ""));
  return out;
}

/** The text of the first `<title>`, decoded and with whitespace collapsed. */
export function findTitle(html: string): string {
  const match = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  return match ? cleanText(match[1]!) : "";
}

/** Decode entities and collapse whitespace. */
export function cleanText(text: string): string {
  return decodeEntities(text).replace(/\s+/g, " ").trim();
}

function parseAttributes(text: string): Attributes {
  const attrs: Attributes = {};
  const attr = /([^\s"'=<>\/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of text.matchAll(attr)) {
    const name = m[1]!.toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
  copy: "©",
  reg: "®",
  trade: "™",
};

/** Decode numeric and common named character references. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X"
        ? parseInt(ref.slice(2), 16)
        : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : "\uFFFD";
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}
