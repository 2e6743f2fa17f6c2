/**
 * Headers every admin API response carries (not the console's files, which have their own):
 * `Cache-Control: no-store`, so no browser or proxy cache keeps room contents, sessions or
 * tickets, and `X-Content-Type-Options: nosniff`, so a JSON body holding user text is never
 * sniffed into a page.
 * @module
 */

/** The headers added to every admin API response. */
export const ADMIN_API_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

/** `response` with {@linkcode ADMIN_API_HEADERS} set (a copy: its headers may be immutable). */
export function withApiHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ADMIN_API_HEADERS)) headers.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
