/**
 * The admin API's HTTP errors and the one place any error becomes a JSON `{ error, message }`
 * response.
 * @module
 */
import { SyncError } from "../../protocol/sync_error.ts";
import { RoomHeldError } from "../../storage/room_held_error.ts";
import type { Logger } from "../../ports/logger.ts";
import { firstLine } from "../../ports/first_line.ts";

/** An error with an HTTP status and a machine-readable code. */
export class AdminError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Machine-readable code, e.g. `not_found`. */
  readonly code: string;
  /** Extra response headers (e.g. `allow`). */
  readonly headers: Record<string, string>;

  /** An error answered with `status`. */
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "AdminError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** The JSON body of every admin error. */
export interface AdminErrorBody {
  /** A stable machine-readable code. */
  error: string;
  /** A human-readable explanation (never a stack trace). */
  message: string;
}

/**
 * Turn anything thrown by an admin handler into a response; invalid records are 400, a room
 * another server holds is 409 `room_held`. An unexpected error is a 500 with a generic message:
 * its first line goes to `logger`, and no message, stack or backtrace (`@deno/kv` errors carry
 * Rust backtraces) reaches the body.
 */
export function adminErrorResponse(error: unknown, logger?: Logger): Response {
  const e = asAdminError(error, logger);
  const body: AdminErrorBody = { error: e.code, message: firstLine(e.message) };
  return Response.json(body, { status: e.status, headers: e.headers });
}

function asAdminError(error: unknown, logger: Logger | undefined): AdminError {
  if (error instanceof AdminError) return error;
  if (error instanceof SyncError) return new AdminError(400, "invalid_record", error.message);
  const held = heldRoom(error);
  if (held) {
    return new AdminError(
      409,
      "room_held",
      `${held.message}; retry once it is released or expires`,
    );
  }
  logger?.error("admin_error", { error: firstLine(error) });
  return new AdminError(500, "internal_error", "Internal error; see the server log");
}

/** The {@linkcode RoomHeldError} behind `error` (itself, or the cause of a failed room load). */
function heldRoom(error: unknown): RoomHeldError | null {
  if (error instanceof RoomHeldError) return error;
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof RoomHeldError ? cause : null;
}
