/**
 * Parse a single-range `Range: bytes=…` header against a known size (RFC 9110 §14). The header is
 * read in one pass, character by character (no regular expression: a backtracking pattern over
 * optional whitespace took seconds on 64 KiB of spaces), and one longer than
 * {@linkcode MAX_RANGE_HEADER_CHARS} is not read at all.
 * @module
 */

/** What to send: everything, one range, or 416. */
export type RangeRequest =
  | { kind: "full" }
  | { kind: "partial"; offset: number; length: number }
  | { kind: "unsatisfiable" };

/** Longest `Range` header read; a longer one is ignored like any other we do not serve. */
export const MAX_RANGE_HEADER_CHARS = 128;

const FULL: RangeRequest = { kind: "full" };

/**
 * Interpret `header` for a resource of `size` bytes. Headers we do not serve (other units,
 * several ranges, bad syntax, over {@linkcode MAX_RANGE_HEADER_CHARS}) are ignored, as RFC 9110
 * allows: the whole resource is sent.
 */
export function parseByteRange(header: string | null, size: number): RangeRequest {
  if (header === null || header.length > MAX_RANGE_HEADER_CHARS) return FULL;
  const spec = readRangeSpec(header);
  if (!spec) return FULL;
  const [first, last] = spec;
  if (first === "" && last === "") return FULL;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    const length = Math.min(suffix, size);
    return { kind: "partial", offset: size - length, length };
  }
  const start = Number(first);
  const end = last === "" ? Infinity : Number(last);
  if (end < start) return FULL;
  if (start >= size) return { kind: "unsatisfiable" };
  const stop = Math.min(end, size - 1);
  return { kind: "partial", offset: start, length: stop - start + 1 };
}

/**
 * The two digit runs of `bytes = first - last` (either may be empty; spaces and tabs allowed
 * around every token, the unit in any case), or null when the header is anything else.
 */
function readRangeSpec(header: string): [string, string] | null {
  let at = 0;
  const skipSpaces = (): void => {
    while (at < header.length && (header[at] === " " || header[at] === "\t")) at++;
  };
  const digits = (): string => {
    const from = at;
    while (at < header.length && header[at]! >= "0" && header[at]! <= "9") at++;
    return header.slice(from, at);
  };
  const expect = (text: string): boolean => {
    if (header.slice(at, at + text.length).toLowerCase() !== text) return false;
    at += text.length;
    return true;
  };
  skipSpaces();
  if (!expect("bytes")) return null;
  skipSpaces();
  if (!expect("=")) return null;
  skipSpaces();
  const first = digits();
  skipSpaces();
  if (!expect("-")) return null;
  skipSpaces();
  const last = digits();
  skipSpaces();
  return at === header.length ? [first, last] : null;
}
