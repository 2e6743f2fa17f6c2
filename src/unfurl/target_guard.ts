/**
 * The SSRF guard of the unfurl route: which URLs the server may fetch on a client's behalf.
 *
 * Web-standard `fetch` resolves host names itself and cannot be pinned to a checked address, so
 * the guard refuses IP literals and special-use names by their text, and checks what a host name
 * resolves to only when a resolver is supplied (the default server passes the runtime's DNS
 * lookup). Even then a DNS answer may change between the check and the fetch (DNS rebinding);
 * run the server where it cannot reach anything private if that matters.
 * @module
 */
import { isIpLiteral, isPrivateAddress } from "./private_address.ts";

/** Resolve a host name to its IP addresses (as text). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/** Options of {@linkcode checkTarget}. */
export interface TargetGuardOptions {
  /** Allow loopback, private and other non-public targets. Default `false`. */
  allowPrivate?: boolean;
  /** Check the addresses a host name resolves to. Default: none (literals and names only). */
  resolveHost?: ResolveHost;
}

const SPECIAL_SUFFIXES = ["localhost", "local", "internal", "localdomain", "home.arpa"];

/**
 * Why `url` must not be fetched, or `null` when it may. Only `http:` and `https:` pass; unless
 * `allowPrivate`, non-public IP literals, `localhost`, `*.localhost` and other special-use or
 * single-label names are refused.
 */
export function refuseTarget(url: URL, options: TargetGuardOptions = {}): string | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `Refused target: only http and https URLs can be unfurled, not "${url.protocol}"`;
  }
  if (options.allowPrivate) return null;
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (isIpLiteral(host)) {
    return isPrivateAddress(host) ? `Refused target: "${host}" is not a public address` : null;
  }
  if (!host.includes(".") || SPECIAL_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) {
    return `Refused target: "${host}" is not a public host name`;
  }
  if (host === "metadata.google.internal" || host === "metadata.goog") {
    return `Refused target: "${host}" is a cloud metadata service`;
  }
  return null;
}

/**
 * {@linkcode refuseTarget}, then (with `resolveHost`, for host names) a refusal when any
 * resolved address is not public. Resolution failures throw.
 */
export async function checkTarget(
  url: URL,
  options: TargetGuardOptions = {},
): Promise<string | null> {
  const refusal = refuseTarget(url, options);
  if (refusal !== null || options.allowPrivate || !options.resolveHost) return refusal;
  const host = url.hostname.replace(/\.+$/, "");
  if (isIpLiteral(host)) return null;
  const addresses = await options.resolveHost(host);
  const bad = addresses.find((a) => isPrivateAddress(a));
  return bad === undefined ? null : `Refused target: "${host}" resolves to non-public "${bad}"`;
}
