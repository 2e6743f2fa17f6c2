/**
 * On/off environment variables (TLSYNC_CLUSTER, TLSYNC_ADMIN_CONSOLE, TLSYNC_HISTORY,
 * TLSYNC_TRUST_PROXY, TLSYNC_LIMIT_LOCALHOST), all read the same way: `1`, `true`, `on`, `yes`
 * turn one on, `0`, `false`, `off`, `no` turn it off (any case, surrounding blanks ignored);
 * unset or empty keeps its default, and anything else keeps its default with an `env_invalid`
 * warning.
 * @module
 */
import { type Logger, silentLogger } from "../ports/logger.ts";

/** Values that turn a switch on. */
export const ON_VALUES: ReadonlySet<string> = new Set(["1", "true", "on", "yes"]);
/** Values that turn a switch off. */
export const OFF_VALUES: ReadonlySet<string> = new Set(["0", "false", "off", "no"]);

/** The switch `name` set to `raw`; `fallback` when unset, empty or not a known spelling. */
export function envSwitch(
  name: string,
  raw: string | undefined,
  fallback: boolean,
  logger: Logger = silentLogger,
): boolean {
  const value = (raw ?? "").trim().toLowerCase();
  if (ON_VALUES.has(value)) return true;
  if (OFF_VALUES.has(value)) return false;
  if (value !== "") {
    logger.warn("env_invalid", {
      name,
      value: value.slice(0, 40),
      using: fallback ? "on" : "off",
    });
  }
  return fallback;
}
