/**
 * Parse a single-range `Range: bytes=…` header against a known size (RFC 9110 §14).
 * @module
 */

/** What to send: everything, one range, or 416. */
export type RangeRequest =
  | { kind: "full" }
  | { kind: "partial"; offset: number; length: number }
  | { kind: "unsatisfiable" };

/**
 * Interpret `header` for a resource of `size` bytes. Headers we do not serve (other units,
 * several ranges, bad syntax) are ignored, as RFC 9110 allows: the whole resource is sent.
 */
export function parseByteRange(header: string | null, size: number): RangeRequest {
  if (header === null) return { kind: "full" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: "full" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "full" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    const length = Math.min(suffix, size);
    return { kind: "partial", offset: size - length, length };
  }
  const start = Number(first);
  const end = last === "" ? Infinity : Number(last);
  if (end < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  const stop = Math.min(end, size - 1);
  return { kind: "partial", offset: start, length: stop - start + 1 };
}
