/**
 * The client's address: the socket peer, or, behind one trusted reverse proxy, the right-most
 * `X-Forwarded-For` entry (the one that proxy appended; entries to its left are client-supplied
 * and forgeable). Parsed with the linear IP parsers of `ip_address.ts`; the header is read from
 * its last {@linkcode MAX_FORWARDED_FOR_CHARS} characters only.
 * @module
 */
import { parseIpv4, parseIpv6 } from "../unfurl/ip_address.ts";

/** Characters of `X-Forwarded-For` considered (its tail, where the trusted entry is). */
export const MAX_FORWARDED_FOR_CHARS = 1024;
/** The address used when none can be read. */
export const UNKNOWN_ADDRESS = "unknown";
/**
 * 127.0.0.1 and ::1 (canonical forms): where a reverse proxy or local tooling on the same host
 * connects from. Requests from there stand for many clients, so per-address caps skip them
 * unless told otherwise (`limitLocalhost`); behind a proxy, `trustProxy` names the real client.
 */
export const LOCALHOST_ADDRESSES: ReadonlySet<string> = new Set(["127.0.0.1", "0:0:0:0:0:0:0:1"]);

/** The canonical client address for `req`, given the socket peer's address. */
export function clientAddress(req: Request, peer: string | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = rightMostForwarded(req.headers.get("x-forwarded-for"));
    if (forwarded !== null) return forwarded;
  }
  return (peer !== undefined ? canonicalAddress(peer) : null) ?? UNKNOWN_ADDRESS;
}

/** The right-most valid entry of an `X-Forwarded-For` value, canonical, or `null`. */
export function rightMostForwarded(header: string | null): string | null {
  if (header === null) return null;
  const tail = header.length > MAX_FORWARDED_FOR_CHARS
    ? header.slice(-MAX_FORWARDED_FOR_CHARS)
    : header;
  return canonicalAddress(tail.slice(tail.lastIndexOf(",") + 1).trim());
}

/** `a.b.c.d` for IPv4 (and IPv4-mapped IPv6), lower-case full-form IPv6, or `null`. */
export function canonicalAddress(text: string): string | null {
  if (text.length > 64) return null;
  const v4 = parseIpv4(text);
  if (v4) return v4.join(".");
  const v6 = parseIpv6(text);
  if (!v6) return null;
  const mapped = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
  if (mapped) return [v6[6]! >> 8, v6[6]! & 255, v6[7]! >> 8, v6[7]! & 255].join(".");
  return v6.map((g) => g.toString(16)).join(":");
}

/**
 * The key per-address limits count under: the address itself for IPv4, its /64 prefix for
 * IPv6 (one host usually holds a whole /64, so single addresses would be free to rotate).
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  return `${address.split(":").slice(0, 4).join(":")}::/64`;
}

/**
 * The key per-address limits count `address` under, or `null` when it is not limited: unknown
 * (one shared key would make the caps server-wide) or localhost without `limitLocalhost`.
 */
export function limitKeyOf(address: string, limitLocalhost: boolean): string | null {
  if (address === UNKNOWN_ADDRESS) return null;
  if (!limitLocalhost && LOCALHOST_ADDRESSES.has(address)) return null;
  return addressKey(address);
}
