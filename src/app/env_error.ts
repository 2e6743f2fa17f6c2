/**
 * An environment value the default server refuses to start with (a value that would silently
 * weaken a protection, such as a truncated or empty Origin allow-list). Its message is one line
 * naming the variable; `deno serve mod.ts`, `bun run mod.ts` and `deno task start` print it
 * (`tlsync: <message>`) and exit 1, without a stack trace.
 * @module
 */

/** Longest part of a value quoted in the message. */
const MAX_QUOTED_CHARS = 100;

/** `name` holds a value the server cannot start with. */
export class EnvError extends Error {
  /** The variable. */
  readonly variable: string;

  /** `invalid <name>: <detail>`. */
  constructor(name: string, detail: string) {
    super(`invalid ${name}: ${detail}`);
    this.name = "EnvError";
    this.variable = name;
  }
}

/** `value` quoted for a one-line message: JSON-escaped (no line breaks), cut to 100 characters. */
export function quoteEnvValue(value: string): string {
  const cut = value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS)}…` : value;
  return JSON.stringify(cut);
}
