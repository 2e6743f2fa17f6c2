/**
 * How long a session may stay in each phase before the room acts on it. Each phase has one
 * deadline, measured from the moment the session entered the phase (or last spoke):
 *
 * | phase         | deadline from        | length              | when it passes                    |
 * | ------------- | -------------------- | ------------------- | --------------------------------- |
 * | `handshaking` | socket opened        | `handshakeMs` (10 s) | removed (it never said `connect`) |
 * | `live`        | last message seen    | `idleMs` (20 s)      | parked: socket closed, presence kept |
 * | `parked`      | parked               | `reconnectGraceMs` (5 s) | removed, presence removal broadcast |
 *
 * These are the one home of the liveness timings.
 * @module
 */

/** A socket must send `connect` within this many ms of opening, or it is removed. */
export const HANDSHAKE_WINDOW_MS = 10_000;
/** A live session silent for this many ms is parked (default `clientTimeout`). */
export const DEFAULT_IDLE_TIMEOUT_MS = 20_000;
/** A parked session keeps its presence this many ms so a reconnect can take it back. */
export const RECONNECT_GRACE_MS = 5_000;

/** The three phase lengths, in ms. `idleMs` may be `Infinity` (never parked for silence). */
export interface LivenessPolicy {
  readonly handshakeMs: number;
  readonly idleMs: number;
  readonly reconnectGraceMs: number;
}

/** The policy for a room whose idle timeout is `clientTimeout` (0 or Infinity: none). */
export function livenessPolicy(clientTimeout: number = DEFAULT_IDLE_TIMEOUT_MS): LivenessPolicy {
  const idle = clientTimeout > 0 && Number.isFinite(clientTimeout) ? clientTimeout : Infinity;
  return {
    handshakeMs: HANDSHAKE_WINDOW_MS,
    idleMs: idle,
    reconnectGraceMs: RECONNECT_GRACE_MS,
  };
}

/** What the room's handlers see of its liveness scheduler. */
export interface LivenessAlarm {
  /** The phase lengths the room runs with. */
  readonly policy: LivenessPolicy;
  /** Make sure the room wakes no later than `deadline` (epoch ms) to act on overdue sessions. */
  wakeBy(deadline: number): void;
  /** Cancel the timer for good (the room is closing). */
  stop(): void;
}
