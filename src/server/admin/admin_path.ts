/**
 * Admin API paths: `/admin/stats`, `/admin/rooms[/:id[/close | /sessions[/:sessionId]]]`.
 * @module
 */
import { AdminError } from "./admin_error.ts";

/** A parsed admin path. */
export type AdminPath =
  | { kind: "rooms" }
  | { kind: "stats" }
  | { kind: "sessions"; roomId: string }
  | { kind: "room"; roomId: string }
  | { kind: "close"; roomId: string }
  | { kind: "session"; roomId: string; sessionId: string };

/**
 * Parse `pathname` (known to start with `/admin`).
 * @throws {AdminError} 404 for an unknown path, 400 for a room id outside `roomIdPattern`.
 */
export function parseAdminPath(pathname: string, roomIdPattern: RegExp): AdminPath {
  const parts = pathname.replace(/\/+$/, "").split("/").slice(2);
  if (parts.length === 1 && parts[0] === "stats") return { kind: "stats" };
  if (parts[0] !== "rooms" || parts.length > 4) throw notFound(pathname);
  if (parts.length === 1) return { kind: "rooms" };
  const roomId = decode(parts[1]!);
  if (!roomIdPattern.test(roomId)) {
    throw new AdminError(400, "bad_request", `Invalid room id "${roomId}"`);
  }
  if (parts.length === 2) return { kind: "room", roomId };
  if (parts.length === 3 && parts[2] === "close") return { kind: "close", roomId };
  if (parts.length === 3 && parts[2] === "sessions") return { kind: "sessions", roomId };
  if (parts.length === 4 && parts[2] === "sessions" && parts[3] !== "") {
    return { kind: "session", roomId, sessionId: decode(parts[3]!) };
  }
  throw notFound(pathname);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new AdminError(400, "bad_request", `Cannot decode path segment "${part}"`);
  }
}

function notFound(pathname: string): AdminError {
  return new AdminError(404, "not_found", `No admin endpoint at "${pathname}"`);
}
