/**
 * Protocol versions and timing constants of the tldraw sync wire protocol.
 * @module
 */

/** The protocol version this server speaks. */
export const PROTOCOL_VERSION = 8;
/** Lowest protocol version accepted (5 and 6 are accepted only to be rejected the legacy way). */
export const MIN_PROTOCOL_VERSION = 5;
/** First protocol version whose clients understand string `append` ops. */
export const STRING_APPEND_PROTOCOL_VERSION = 8;

/** A session must send `connect` within this many ms of opening its socket. */
export const SESSION_START_WAIT_TIME = 10_000;
/** A disconnected session (and its presence) is kept this many ms before removal. */
export const SESSION_REMOVAL_WAIT_TIME = 5_000;
/** A connected session that sends nothing for this many ms is cancelled. */
export const SESSION_IDLE_TIMEOUT = 20_000;
/** Data messages after the first are batched per this window (ms). */
export const DATA_MESSAGE_DEBOUNCE_INTERVAL = 1000 / 60;

/** Tombstones kept before the oldest are pruned. */
export const MAX_TOMBSTONES = 5000;
/** Extra tombstones dropped on each prune so pruning is not needed on every delete. */
export const TOMBSTONE_PRUNE_BUFFER_SIZE = 1000;
