// Test-only: a Logger that keeps every line and lets a test await one.
import type { Logger } from "../../src/ports/logger.ts";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  event: string;
  fields: Record<string, unknown>;
}

export interface CaptureLogger extends Logger {
  lines: LogLine[];
  /** Resolve with the first line (past or future) matching `pred`; reject after `ms`. */
  waitFor(pred: (line: LogLine) => boolean, what: string, ms?: number): Promise<LogLine>;
}

export function captureLogger(): CaptureLogger {
  const lines: LogLine[] = [];
  const waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  const write = (level: LogLine["level"]) => (event: string, fields = {}) => {
    const line = { level, event, fields };
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pred(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  return {
    lines,
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    waitFor: (pred, what, ms = 10_000) => {
      const found = lines.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), ms);
        waiters.push({ pred, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}
