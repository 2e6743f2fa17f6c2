/**
 * Character references in page text, decoded in one pass (linear time, no regular expressions).
 * @module
 */

const NAMED: ReadonlyMap<string, string> = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ["nbsp", "\u00a0"],
  ["ndash", "–"],
  ["mdash", "—"],
  ["hellip", "…"],
  ["rsquo", "’"],
  ["lsquo", "‘"],
  ["rdquo", "”"],
  ["ldquo", "“"],
  ["copy", "©"],
  ["reg", "®"],
  ["trade", "™"],
]);

/** Decode numeric and common named character references (`;` optional); others stay as is. */
export function decodeEntities(text: string): string {
  let amp = text.indexOf("&");
  if (amp < 0) return text;
  const out: string[] = [];
  let from = 0;
  while (amp >= 0) {
    out.push(text.slice(from, amp));
    const end = referenceEnd(text, amp);
    out.push(end === amp + 1 ? "&" : decodeReference(text.slice(amp + 1, end)));
    from = end;
    amp = text.indexOf("&", end);
  }
  out.push(text.slice(from));
  return out.join("");
}

/** Decode entities, collapse whitespace and trim. */
export function cleanText(text: string): string {
  return decodeEntities(text).replace(/\s+/g, " ").trim();
}

/** Where the reference starting with `&` at `amp` ends (`amp + 1` when there is none). */
function referenceEnd(text: string, amp: number): number {
  let i = amp + 1;
  if (text.charCodeAt(i) === 35 /* # */) {
    const hex = (text.charCodeAt(i + 1) | 32) === 120; /* x */
    i += hex ? 2 : 1;
    const start = i;
    while (i < text.length && isDigit(text.charCodeAt(i), hex)) i++;
    if (i === start) return amp + 1;
  } else {
    const start = i;
    while (i < text.length && isLetter(text.charCodeAt(i))) i++;
    if (i === start) return amp + 1;
  }
  return text.charCodeAt(i) === 59 /* ; */ ? i + 1 : i;
}

/** `ref` is the text between `&` and the end (a trailing `;` included when present). */
function decodeReference(ref: string): string {
  const body = ref.endsWith(";") ? ref.slice(0, -1) : ref;
  if (body[0] !== "#") return NAMED.get(body.toLowerCase()) ?? `&${ref}`;
  const hex = body[1] === "x" || body[1] === "X";
  const digits = body.slice(hex ? 2 : 1);
  // Anything longer than 8 digits is past U+10FFFF (leading zeros aside, which is fine to refuse).
  const code = digits.length > 8 ? Infinity : parseInt(digits, hex ? 16 : 10);
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
    ? String.fromCodePoint(code)
    : "\uFFFD";
}

function isDigit(c: number, hex: boolean): boolean {
  return (c >= 48 && c <= 57) || (hex && (c | 32) >= 97 && (c | 32) <= 102);
}

function isLetter(c: number): boolean {
  return (c | 32) >= 97 && (c | 32) <= 122;
}
