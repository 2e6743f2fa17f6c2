/**
 * Where the default server listens: `HOST` (default 127.0.0.1) and `PORT` (default 8787), read the
 * same way by `bun run mod.ts`, `deno task start`, `npm start`, `npm run start:bun` and the example
 * app. (`deno serve mod.ts` takes its own `--host`/`--port` flags instead.)
 * @module
 */
import { readEnv } from "../runtime/env.ts";

/** Host used when `HOST` is unset: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";
/** Port used when `PORT` is unset. */
export const DEFAULT_PORT = 8787;
/** Longest `HOST` value accepted (a DNS name is at most 253 characters). */
const MAX_HOST_LENGTH = 253;

/** The address to listen on. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

/** `HOST` and `PORT` from the environment; throws one clear line when either is malformed. */
export function listenAddress(): ListenAddress {
  return { hostname: parseHost(readEnv("HOST")), port: parsePort(readEnv("PORT")) };
}

/** `value` as a host name or address; {@linkcode DEFAULT_HOST} when empty. */
export function parseHost(value: string | undefined): string {
  if (!value) return DEFAULT_HOST;
  if (value.length > MAX_HOST_LENGTH || /[\s/]/.test(value)) {
    throw new Error(`HOST must be a host name or IP address, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `value` as a TCP port (0-65535; 0 picks a free one); {@linkcode DEFAULT_PORT} when empty. */
export function parsePort(value: string | undefined): number {
  if (!value) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}
