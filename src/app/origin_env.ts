/**
 * The default server's transport switches from the environment: the Origin allow-list
 * (TLSYNC_ALLOWED_ORIGINS), TLSYNC_TRUST_PROXY and TLSYNC_LIMIT_LOCALHOST. The allow-list fails
 * closed: a value over {@linkcode MAX_ORIGINS_ENV_CHARS}, a set value that names no origin, or an
 * entry that is not an http(s) origin stops the server ({@linkcode EnvError}) instead of being
 * cut, emptied (any origin allowed) or thrown later with a stack trace.
 * @module
 */
import { type Logger, silentLogger } from "../ports/logger.ts";
import { normalizeOrigin } from "../server/origin_check.ts";
import type { SyncServerOptions } from "../server/server_options.ts";
import { readEnv } from "../runtime/env.ts";
import { EnvError, quoteEnvValue } from "./env_error.ts";
import { envSwitch } from "./env_switch.ts";

/** Longest TLSYNC_ALLOWED_ORIGINS value accepted. */
export const MAX_ORIGINS_ENV_CHARS = 8192;

const ORIGINS = "TLSYNC_ALLOWED_ORIGINS";

/**
 * `allowedOrigins` (TLSYNC_ALLOWED_ORIGINS, a comma list), `trustProxy` (TLSYNC_TRUST_PROXY) and
 * `limitLocalhost` (TLSYNC_LIMIT_LOCALHOST), both switches off by default (see `env_switch.ts`).
 * Throws {@linkcode EnvError} for an allow-list it cannot take as written.
 */
export function originOptionsFromEnv(
  logger: Logger = silentLogger,
  read: (name: string) => string | undefined = readEnv,
): Pick<SyncServerOptions, "allowedOrigins" | "trustProxy" | "limitLocalhost"> {
  const origins = allowedOriginsFrom(read(ORIGINS));
  const trust = envSwitch("TLSYNC_TRUST_PROXY", read("TLSYNC_TRUST_PROXY"), false, logger);
  const local = envSwitch("TLSYNC_LIMIT_LOCALHOST", read("TLSYNC_LIMIT_LOCALHOST"), false, logger);
  return {
    ...(origins ? { allowedOrigins: origins } : {}),
    ...(trust ? { trustProxy: true } : {}),
    ...(local ? { limitLocalhost: true } : {}),
  };
}

/** The allow-list in `raw`; `undefined` when unset or empty (any origin). */
export function allowedOriginsFrom(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (raw.length > MAX_ORIGINS_ENV_CHARS) {
    throw new EnvError(
      ORIGINS,
      `${raw.length} characters, over the limit of ${MAX_ORIGINS_ENV_CHARS}`,
    );
  }
  const list = raw.split(",").map((o) => o.trim()).filter((o) => o !== "");
  if (list.length === 0) {
    throw new EnvError(
      ORIGINS,
      `${quoteEnvValue(raw)} names no origin; unset it to allow any origin`,
    );
  }
  for (const origin of list) {
    if (normalizeOrigin(origin) === null) {
      throw new EnvError(
        ORIGINS,
        `${quoteEnvValue(origin)} is not an http(s) origin such as https://app.example.com`,
      );
    }
  }
  return list;
}
