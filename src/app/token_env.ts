/**
 * The operator tokens of the default server (TLSYNC_ADMIN_TOKEN, TLSYNC_METRICS_TOKEN). A short
 * token is still used (refusing to start would lock operators out of a running setup), but
 * logged at startup as `token_too_short`: failed guesses are throttled per address, not across
 * addresses.
 * @module
 */
import { type Logger, silentLogger } from "../ports/logger.ts";
import { readEnv } from "../runtime/env.ts";

/** Shortest operator token used without a warning. */
export const MIN_TOKEN_CHARS = 16;

/** The token in `name` (unset or empty: `undefined`); warns when it is short. */
export function tokenFromEnv(
  name: string,
  logger: Logger = silentLogger,
  read: (name: string) => string | undefined = readEnv,
): string | undefined {
  const token = read(name) || undefined;
  if (token !== undefined && token.length < MIN_TOKEN_CHARS) {
    // Neither the token nor its length goes into a log.
    logger.warn("token_too_short", {
      name,
      minimum: MIN_TOKEN_CHARS,
      note: "use a long random value, e.g. `openssl rand -hex 32`",
    });
  }
  return token;
}
