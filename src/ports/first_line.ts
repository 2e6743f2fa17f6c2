/**
 * One-line error text for logs: errors such as `@deno/kv`'s carry multi-line backtraces in
 * their message, and a log line must stay one line.
 * @module
 */

/** The first line of an error's message (or of its text), at most `max` characters. */
export function firstLine(error: unknown, max = 500): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n", 1)[0]!.trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
