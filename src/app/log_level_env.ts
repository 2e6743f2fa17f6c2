/**
 * The default server's logger from TLSYNC_LOG_LEVEL: `debug`, `info`, `warn`, `error` or
 * `silent` (any case, blanks ignored); unset or empty: `info`. Another value also gives `info`,
 * and the logger's first line is an `env_invalid` warning naming it.
 * @module
 */
import { isLogLevel, jsonLogger, type LogLevel } from "../log/json_logger.ts";
import type { Logger } from "../ports/logger.ts";
import { readEnv } from "../runtime/env.ts";

const NAME = "TLSYNC_LOG_LEVEL";
const DEFAULT_LEVEL: LogLevel = "info";

/** A logger at the level TLSYNC_LOG_LEVEL names; `make` builds it (default: JSON lines). */
export function loggerFromEnv(
  read: (name: string) => string | undefined = readEnv,
  make: (level: LogLevel) => Logger = jsonLogger,
): Logger {
  const text = (read(NAME) ?? "").trim().toLowerCase();
  const level = text === "" ? DEFAULT_LEVEL : isLogLevel(text) ? text : null;
  const logger = make(level ?? DEFAULT_LEVEL);
  if (level === null) {
    logger.warn("env_invalid", { name: NAME, value: text.slice(0, 40), using: DEFAULT_LEVEL });
  }
  return logger;
}
