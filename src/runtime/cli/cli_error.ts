/**
 * A snapshot CLI failure the user can act on: one line and an exit status (1 unknown room or
 * restore point, unreadable file; 2 usage; 3 room held by a running server).
 * @module
 */

/** One line and an exit status. */
export class CliError extends Error {
  /** The process exit status. */
  readonly status: number;
  /** `message` is printed as one line. */
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}
