/**
 * Protocol versions and the timing of the tldraw sync wire protocol, grouped by what they govern.
 * @module
 */

/**
 * The protocol versions this server knows. Clients announce theirs in `connect`; anything below
 * `oldestAccepted` is told its client is too old, anything above `spoken` that the server is.
 */
export const ProtocolVersions = {
  /** The version this server speaks and reports in its `connect` reply. */
  spoken: 8,
  /** Oldest version accepted (5 and 6 only to be turned away the legacy way if rejected). */
  oldestAccepted: 5,
  /** First version whose clients apply `append` ops to text. */
  textAppendsFrom: 8,
} as const;

/** How data messages (`patch`, `push_result`) are batched per session. */
export const Batching = {
  /** After a data message goes out at once, later ones wait for this window (ms) to close. */
  windowMs: 1000 / 60,
} as const;

/** A session must send `connect` within this many ms of opening its socket. */
export const SESSION_START_WAIT_TIME = 10_000;
/** A disconnected session (and its presence) is kept this many ms before removal. */
export const SESSION_REMOVAL_WAIT_TIME = 5_000;
/** A connected session that sends nothing for this many ms is cancelled. */
export const SESSION_IDLE_TIMEOUT = 20_000;

/** Tombstones kept before the oldest are pruned. */
export const MAX_TOMBSTONES = 5000;
/** Extra tombstones dropped on each prune so pruning is not needed on every delete. */
export const TOMBSTONE_PRUNE_BUFFER_SIZE = 1000;
