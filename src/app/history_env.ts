/**
 * The default server's history settings from the environment: TLSYNC_HISTORY (an on/off switch,
 * see `env_switch.ts`; default on), TLSYNC_HISTORY_FULL_HOURS, TLSYNC_HISTORY_RESOLUTION_MS,
 * TLSYNC_HISTORY_DAYS, TLSYNC_HISTORY_MAX_BYTES (per room) and TLSYNC_HISTORY_MAX_VIEWS (readonly
 * `?at=` views per process). Invalid values keep the default, values over a ceiling are
 * clamped; both log `env_invalid`.
 * @module
 */
import { type Logger, silentLogger } from "../ports/logger.ts";
import { readEnv } from "../runtime/env.ts";
import { MAX_HISTORY_VIEWS_CEILING } from "../server/history_views.ts";
import { HISTORY_POLICY_CEILINGS, type HistoryPolicy } from "../storage/history_policy.ts";
import { parseEnvInteger } from "./env_limits.ts";
import { envSwitch } from "./env_switch.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** History settings of the default server. */
export interface HistoryEnv {
  /** False: no history is kept and `?at=` views are refused. */
  enabled: boolean;
  /** The retention policy (unset fields: the defaults). */
  policy: HistoryPolicy;
  /** `HistoryViewOptions.maxViews`, when set. */
  maxViews?: number;
}

/** Read the history env vars. */
export function historyFromEnv(
  logger: Logger = silentLogger,
  read: (name: string) => string | undefined = readEnv,
): HistoryEnv {
  const enabled = envSwitch("TLSYNC_HISTORY", read("TLSYNC_HISTORY"), true, logger);
  const int = (name: string, ceiling: number, min = 1): number | undefined =>
    parseEnvInteger(name, read(name), ceiling, logger, min);
  const policy: HistoryPolicy = {};
  const hours = int("TLSYNC_HISTORY_FULL_HOURS", HISTORY_POLICY_CEILINGS.fullMs / HOUR);
  if (hours !== undefined) policy.fullMs = hours * HOUR;
  const days = int("TLSYNC_HISTORY_DAYS", HISTORY_POLICY_CEILINGS.retentionMs / DAY);
  if (days !== undefined) policy.retentionMs = days * DAY;
  // 0 is meaningful here (every commit its own restore point).
  const resolution = int("TLSYNC_HISTORY_RESOLUTION_MS", HISTORY_POLICY_CEILINGS.resolutionMs, 0);
  if (resolution !== undefined) policy.resolutionMs = resolution;
  const bytes = int("TLSYNC_HISTORY_MAX_BYTES", HISTORY_POLICY_CEILINGS.maxBytes);
  if (bytes !== undefined) policy.maxBytes = bytes;
  const maxViews = int("TLSYNC_HISTORY_MAX_VIEWS", MAX_HISTORY_VIEWS_CEILING);
  return { enabled, policy, ...(maxViews !== undefined ? { maxViews } : {}) };
}
