/**
 * A Logger that writes one JSON line per event to stdout/stderr.
 * @module
 */
import type { Logger } from "../ports/logger.ts";

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** True when `text` is a {@linkcode LogLevel} (exactly, lower case). */
export function isLogLevel(text: string): text is LogLevel {
  return Object.hasOwn(ORDER, text);
}

/** Lines at `level` and above, as `{"time","level","event",...fields}`. */
export function jsonLogger(level: LogLevel = "info"): Logger {
  const min = ORDER[level] ?? ORDER.info;
  const write = (lvl: Exclude<LogLevel, "silent">) =>
  (
    event: string,
    fields?: Record<string, unknown>,
  ): void => {
    if (ORDER[lvl] < min) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: lvl, event, ...fields });
    // This file is the one place the project writes to the console.
    // deno-lint-ignore no-console
    if (lvl === "error" || lvl === "warn") console.error(line);
    // deno-lint-ignore no-console
    else console.log(line);
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    enabled: (lvl) => ORDER[lvl] >= min,
  };
}
