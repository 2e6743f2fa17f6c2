/**
 * A room that could not be loaded, as one line: `room_load_failed` logs it with `String(error)`,
 * and storage errors (`@deno/kv`'s carry Rust backtraces) can span many lines. It reads as the
 * cause's first line (same name, same message line); the cause itself is kept as `cause`.
 * @module
 */
import { firstLine } from "../ports/first_line.ts";

/** Loading `roomId` failed; name and message are the cause's, cut to its first line. */
export class RoomLoadError extends Error {
  /** The room that did not load. */
  readonly roomId: string;

  /** Wrap `cause`. */
  constructor(roomId: string, cause: unknown) {
    super(firstLine(cause), { cause });
    this.name = cause instanceof Error ? cause.name : "Error";
    this.roomId = roomId;
  }
}
