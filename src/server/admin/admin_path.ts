/**
 * Admin API paths: `/admin/stats`, `/admin/rooms[/:id[/close | /sessions[/:sessionId] |
 * /restore | /history[/entries | /:clock[/ticket]]]]`.
 * @module
 */
import { parseClock } from "../../storage/history_target.ts";
import { AdminError } from "./admin_error.ts";

/** A parsed admin path. */
export type AdminPath =
  | { kind: "rooms" }
  | { kind: "stats" }
  | { kind: "sessions"; roomId: string }
  | { kind: "room"; roomId: string }
  | { kind: "close"; roomId: string }
  | { kind: "session"; roomId: string; sessionId: string }
  | { kind: "history" | "restore" | "history_entries"; roomId: string }
  | { kind: "history_at" | "history_ticket"; roomId: string; clock: number };

/**
 * Parse `pathname` (known to start with `/admin`).
 * @throws {AdminError} 404 for an unknown path, 400 for a room id outside `roomIdPattern`.
 */
export function parseAdminPath(pathname: string, roomIdPattern: RegExp): AdminPath {
  const parts = pathname.replace(/\/+$/, "").split("/").slice(2);
  if (parts.length === 1 && parts[0] === "stats") return { kind: "stats" };
  if (parts[0] !== "rooms" || parts.length > 5) throw notFound(pathname);
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
  if (parts[2] === "history" || parts[2] === "restore") return historyPath(parts, roomId, pathname);
  throw notFound(pathname);
}

/** `/restore`, `/history`, `/history/:clock`, `/history/:clock/ticket` (clock: digits). */
function historyPath(parts: string[], roomId: string, pathname: string): AdminPath {
  if (parts.length === 3) return { kind: parts[2] === "restore" ? "restore" : "history", roomId };
  if (parts[2] !== "history" || (parts.length === 5 && parts[4] !== "ticket")) {
    throw notFound(pathname);
  }
  if (parts.length === 4 && parts[3] === "entries") return { kind: "history_entries", roomId };
  const clock = parseClock(parts[3]!);
  if (clock === null) {
    throw new AdminError(
      400,
      "bad_request",
      `A clock is a non-negative integer, not "${parts[3]!.slice(0, 40)}"`,
    );
  }
  return { kind: parts.length === 5 ? "history_ticket" : "history_at", roomId, clock };
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
