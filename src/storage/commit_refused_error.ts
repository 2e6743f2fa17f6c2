/**
 * A commit storage refuses on its own merits (e.g. a key or value over the store's size limit)
 * while the store itself is healthy. Nothing of it was written; the room fails that commit as it
 * fails any other, but health checks do not count it as a storage outage.
 * @module
 */

/** A commit refused before anything was written; storage stays healthy. */
export class CommitRefusedError extends Error {
  /** A commit refused because of `message`. */
  constructor(message: string) {
    super(message);
    this.name = "CommitRefusedError";
  }
}
