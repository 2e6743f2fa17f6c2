/**
 * Room id and route parsing.
 * @module
 */

/** The default room id rule: 1–128 URL-safe characters. */
export const DEFAULT_ROOM_ID_PATTERN: RegExp = /^[A-Za-z0-9_\-.~]{1,128}$/;

/** A parsed request path. */
export type Route =
  | { kind: "connect"; roomId: string | null }
  | { kind: "health" }
  | { kind: "root" }
  | { kind: "not_found" };

/** Parse a request path into a route; `roomId` is `null` when it is not a valid id. */
export function parseRoute(pathname: string, pattern: RegExp = DEFAULT_ROOM_ID_PATTERN): Route {
  if (pathname === "/" || pathname === "") return { kind: "root" };
  if (pathname === "/health") return { kind: "health" };
  const match = /^(?:\/api)?\/connect\/([^/]*)\/?$/.exec(pathname);
  if (!match) return { kind: "not_found" };
  let roomId: string;
  try {
    roomId = decodeURIComponent(match[1]!);
  } catch {
    return { kind: "connect", roomId: null };
  }
  return { kind: "connect", roomId: pattern.test(roomId) ? roomId : null };
}
