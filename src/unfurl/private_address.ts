/**
 * Which IP addresses an unfurl must not reach (pure): everything that is not public unicast.
 * @module
 */
import { parseIpv4, parseIpv6 } from "./ip_address.ts";

/**
 * True when `address` is an IPv4 or IPv6 literal outside the public internet: unspecified,
 * loopback, private (10/8, 172.16/12, 192.168/16), CGNAT (100.64/10), link-local and cloud
 * metadata (169.254/16), multicast, reserved, documentation and benchmark ranges, the 6to4 relay
 * anycast (192.88.99/24); for IPv6 also unique-local (fc00::/7), link-local (fe80::/10),
 * site-local, multicast, Teredo, benchmarking (2001:2::/48), ORCHID (2001:10::/28, 2001:20::/28),
 * documentation (2001:db8::/32, 3fff::/20), and any IPv4 address embedded by mapping
 * (`::ffff:a.b.c.d`), compatibility, NAT64 or 6to4. False for non-literals.
 */
export function isPrivateAddress(address: string): boolean {
  const v4 = parseIpv4(address);
  if (v4) return isPrivateIpv4(v4);
  const v6 = parseIpv6(address);
  return v6 ? isPrivateIpv6(v6) : false;
}

/** True when `address` is an IPv4 or IPv6 literal (brackets allowed). */
export function isIpLiteral(address: string): boolean {
  return parseIpv4(address) !== null || parseIpv6(address) !== null;
}

function isPrivateIpv4([a = 0, b = 0, c = 0]: number[]): boolean {
  return a === 0 || // "this network", incl. 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT, incl. 100.100.100.200 (a metadata service)
    (a === 169 && b === 254) || // link-local, incl. 169.254.169.254 (cloud metadata)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF assignments, TEST-NET-1
    (a === 192 && b === 88 && c === 99) || // 6to4 relay anycast (deprecated, RFC 7526)
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) || // TEST-NET-2
    (a === 203 && b === 0 && c === 113) || // TEST-NET-3
    a >= 224; // multicast, reserved, broadcast
}

function isPrivateIpv6(g: number[]): boolean {
  const embedded = embeddedIpv4(g);
  if (embedded) return isPrivateIpv4(embedded);
  const [g0 = 0, g1 = 0] = g;
  // Outside 2000::/3 (global unicast) is never public: ::, ::1, fc00::/7, fe80::/10, ff00::/8…
  if ((g0 & 0xe000) !== 0x2000) return true;
  if (g0 === 0x2001 && isSpecialIn2001(g1, g[2]!)) return true;
  if (g0 === 0x3fff && g1 < 0x1000) return true; // documentation, 3fff::/20 (RFC 9637)
  if (g0 === 0x2002) return isPrivateIpv4([g1 >> 8, g1 & 0xff, g[2]! >> 8, g[2]! & 0xff]); // 6to4
  return false;
}

/**
 * The non-public blocks of 2001::/23 (IETF protocol assignments), given the second and third
 * groups: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID 2001:10::/28, ORCHIDv2 2001:20::/28,
 * documentation 2001:db8::/32.
 */
function isSpecialIn2001(g1: number, g2: number): boolean {
  return g1 === 0 || // Teredo (embeds an obfuscated IPv4 address)
    (g1 === 0x0002 && g2 === 0) || // benchmarking (RFC 5180)
    (g1 & 0xfff0) === 0x0010 || // ORCHID (RFC 4843, deprecated)
    (g1 & 0xfff0) === 0x0020 || // ORCHIDv2 (RFC 7343)
    g1 === 0x0db8; // documentation (RFC 3849)
}

/** The IPv4 address inside a mapped, compatible or NAT64 IPv6 address. */
function embeddedIpv4(g: number[]): number[] | null {
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  const mapped = zeros(0, 5) && g[5] === 0xffff;
  const compatible = zeros(0, 6) && (g[6]! !== 0 || g[7]! > 1);
  const translated = zeros(0, 4) && g[4] === 0xffff && g[5] === 0;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6);
  if (!mapped && !compatible && !translated && !nat64) return null;
  return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
}
