/**
 * DNS resolution for the unfurl guard, through `node:dns` (present on Deno, Bun and Node).
 * @module
 */

/**
 * Every address `hostname` resolves to (IPv4 and IPv6), via the system resolver; pass it as
 * `unfurlRoute({ resolveHost: systemResolveHost })` so the guard also refuses host names that
 * resolve to non-public addresses. A lookup failure rejects (the unfurl answers 502).
 */
export async function systemResolveHost(hostname: string): Promise<string[]> {
  const { lookup } = await import("node:dns/promises");
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => a.address);
}
