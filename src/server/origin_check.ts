/**
 * The `Origin` allow-list against cross-site WebSocket hijacking: browsers send cookies with a
 * cross-site WebSocket upgrade, and the `Origin` header is the only thing telling the server
 * which site opened it. Origins are compared after normalisation by the URL parser.
 * @module
 */

/** Longest `Origin` header considered; longer ones are refused. */
export const MAX_ORIGIN_CHARS = 2048;

/** Normalised origins allowed to connect. */
export class OriginCheck {
  #allowed: Set<string>;

  /** An allow-list; throws a `TypeError` for an entry that is not an http(s) origin. */
  constructor(origins: readonly string[]) {
    this.#allowed = new Set();
    for (const origin of origins) {
      const normal = normalizeOrigin(origin);
      if (normal === null) {
        throw new TypeError(`Cannot allow origin "${origin}": not an http(s) origin`);
      }
      this.#allowed.add(normal);
    }
  }

  /** True when the request has no `Origin` (not a browser) or an allowed one. */
  allows(header: string | null): boolean {
    if (header === null) return true;
    const normal = header.length <= MAX_ORIGIN_CHARS ? normalizeOrigin(header) : null;
    return normal !== null && this.#allowed.has(normal);
  }
}

/** `scheme://host[:port]` (default port dropped, host lower-cased), or `null`. */
export function normalizeOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null; // not a URL at all, e.g. the opaque origin "null"
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.origin;
}
