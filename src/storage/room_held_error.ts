/**
 * A room another server holds (its single-writer lease is live): this process may not open it
 * for writing until that lease is released or expires.
 * @module
 */

/** The room's lease belongs to another, live server. */
export class RoomHeldError extends Error {
  /** Who holds the room. */
  readonly owner: string;

  /** The room is held by `owner`. */
  constructor(owner: string) {
    super(`Room is held by another server (owner "${owner}")`);
    this.name = "RoomHeldError";
    this.owner = owner;
  }
}
