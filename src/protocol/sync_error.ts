/**
 * The one domain error: thrown inside message handlers, caught by the room's dispatch, which
 * rejects the session with close code 4099 and {@linkcode SyncError.reason}.
 * @module
 */

/** A protocol-level refusal carrying the close reason sent to the client. */
export class SyncError extends Error {
  /** The close reason (e.g. `INVALID_RECORD`). */
  readonly reason: string;

  /** Create an error that rejects the session with `reason`. */
  constructor(reason: string, message: string) {
    super(message);
    this.name = "SyncError";
    this.reason = reason;
  }
}
