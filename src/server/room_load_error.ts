/**
 * A room that could not be loaded, as one line: `room_load_failed` logs it with `String(error)`,
 * and storage errors (`@deno/kv`'s carry Rust backtraces) can span many lines. The original
 * error is kept as `cause`.
 * @module
 */
import { firstLine } from "../room/first_line.ts";

/** Loading `roomId` failed; the message is the cause's first line. */
export class RoomLoadError extends Error {
  /** The room that did not load. */
  readonly roomId: string;

  /** Wrap `cause`, naming the room unless its first line already does. */
  constructor(roomId: string, cause: unknown) {
    const line = firstLine(cause);
    super(line.includes(`"${roomId}"`) ? line : `Cannot load room "${roomId}": ${line}`, { cause });
    this.name = "RoomLoadError";
    this.roomId = roomId;
  }
}
