/**
 * Protocol versions and message batching of the tldraw sync wire protocol, grouped by what they
 * govern (session liveness timings live in `room/liveness_policy.ts`).
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
