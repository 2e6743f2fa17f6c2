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
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug(): void {},
  info(): void {},
  warn(): void {},
  error(): void {},
};
