/**
 * The injected logger. Silent unless the host passes one.
 * @module
 */

/** Structured log sink. `fields` is a flat JSON-able object. */
export interface Logger {
  /** Debug detail. */
  debug(event: string, fields?: Record<string, unknown>): void;
  /** Normal operation. */
  info(event: string, fields?: Record<string, unknown>): void;
  /** Something was refused or looks wrong. */
  warn(event: string, fields?: Record<string, unknown>): void;
  /** Something failed. */
  error(event: string, fields?: Record<string, unknown>): void;
  /**
   * False when lines at `level` are dropped, so callers can skip building them (per-push debug
   * lines). Loggers without it get every line.
   */
  enabled?(level: "debug" | "info" | "warn" | "error"): boolean;
}

/** True unless `logger` says lines at `level` are dropped. */
export function logEnabled(logger: Logger, level: "debug" | "info" | "warn" | "error"): boolean {
  return logger.enabled?.(level) ?? true;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug(): void {},
  info(): void {},
  warn(): void {},
  error(): void {},
  enabled: (): boolean => false,
};
