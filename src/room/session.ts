/**
 * One client session as a small state machine. A session is born `handshaking` when its socket
 * opens, becomes `live` when its `connect` is accepted (taking a {@linkcode ClientProfile}), and
 * is `parked` when its socket closes or it falls silent: parked sessions keep their presence for
 * a reconnect grace period, then are removed. Each phase has one deadline (see
 * {@linkcode LivenessPolicy}); the room's liveness scheduler wakes at the earliest one.
 * @module
 */
import { FrameReassembler } from "../protocol/frame_reassembler.ts";
import { type ClientProfile, Farewell } from "./client_profile.ts";
import type { LivenessPolicy } from "./liveness_policy.ts";
import { Outbox } from "./outbox.ts";
import { SOCKET_OPEN, type SocketLike } from "../ports/socket_like.ts";
import type { TimeSource } from "../ports/time_source.ts";

/** The phases of a session. */
export const SessionPhase = {
  /** Socket open, `connect` not yet accepted. */
  Handshaking: "handshaking",
  /** Handshake done: receives broadcasts, may push and ping. */
  Live: "live",
  /** Socket gone; presence kept until the reconnect grace period ends. */
  Parked: "parked",
} as const;
/** A session phase. */
export type SessionPhase = typeof SessionPhase[keyof typeof SessionPhase];

/** The user a host's `authorize` bound a session to; it owns the session's presence. */
export interface SessionIdentity {
  /** Written into the session's presence record (`userId`). */
  userId: string;
  /** Written into the presence record (`userName`) when given. */
  userName?: string;
}

/** Options to create a session. */
export interface SessionInit {
  sessionId: string;
  socket: SocketLike;
  presenceId: string | null;
  isReadonly: boolean;
  meta: unknown;
  identity: SessionIdentity | undefined;
  maxMessageBytes: number;
  time: TimeSource;
  onDead: () => void;
}

/** A client session in a room. */
export class Session {
  /** Client-chosen id (one per browser tab, reused across reconnects). */
  readonly sessionId: string;
  /** The socket currently serving this session. */
  readonly socket: SocketLike;
  /** Id of this session's presence record, when the schema has a presence type. */
  readonly presenceId: string | null;
  /** Document writes are skipped for readonly sessions. */
  readonly isReadonly: boolean;
  /** Host data (e.g. the authenticated user). */
  readonly meta: unknown;
  /** The authorized user, when the host gave one. */
  readonly identity: SessionIdentity | undefined;
  /** Reassembles chunked client frames. */
  readonly assembler: FrameReassembler;
  /** Batched sending. */
  readonly outbox: Outbox;
  /** When the session was created (its socket opened), in ms since the epoch. */
  readonly openedAt: number;
  /** How this session is refused; learnt from the protocol version in `connect`. */
  farewell: Farewell = Farewell.Close4099;
  #phase: SessionPhase = SessionPhase.Handshaking;
  #phaseSince: number;
  #lastSeenAt: number;
  #profile: ClientProfile | null = null;

  /** Create a session in the `handshaking` phase. */
  constructor(init: SessionInit) {
    this.sessionId = init.sessionId;
    this.socket = init.socket;
    this.presenceId = init.presenceId;
    this.isReadonly = init.isReadonly;
    this.meta = init.meta;
    this.identity = init.identity;
    this.assembler = new FrameReassembler({ maxMessageBytes: init.maxMessageBytes });
    this.#phaseSince = this.#lastSeenAt = this.openedAt = init.time.now();
    this.outbox = new Outbox(init.socket, init.time, init.onDead);
  }

  /** The current phase. */
  get phase(): SessionPhase {
    return this.#phase;
  }

  /** True once the handshake completed and until the session is parked. */
  get isLive(): boolean {
    return this.#phase === SessionPhase.Live;
  }

  /** The client's capabilities; only valid while live. */
  get profile(): ClientProfile {
    if (!this.#profile) throw new Error(`Session "${this.sessionId}" has not connected`);
    return this.#profile;
  }

  /** When the client last sent `connect`, `push` or `ping`. */
  get lastSeenAt(): number {
    return this.#lastSeenAt;
  }

  /** handshaking → live (a live session that handshakes again takes the new profile). */
  goLive(profile: ClientProfile, now: number): void {
    if (this.#phase === SessionPhase.Parked) return;
    this.#profile = profile;
    this.#enter(SessionPhase.Live, now);
    this.#lastSeenAt = now;
  }

  /** Any phase but parked → parked. Returns false when it already was. */
  park(now: number): boolean {
    if (this.#phase === SessionPhase.Parked) return false;
    this.#enter(SessionPhase.Parked, now);
    return true;
  }

  /** The client spoke: push the idle deadline back. */
  markSeen(now: number): void {
    this.#lastSeenAt = now;
  }

  /** When this session's current phase runs out. */
  deadline(policy: LivenessPolicy): number {
    switch (this.#phase) {
      case SessionPhase.Handshaking:
        return this.#phaseSince + policy.handshakeMs;
      case SessionPhase.Live:
        return this.#lastSeenAt + policy.idleMs;
      case SessionPhase.Parked:
        return this.#phaseSince + policy.reconnectGraceMs;
    }
  }

  /** True when the phase has run out, or the socket is gone while the session still counts on it. */
  isOverdue(policy: LivenessPolicy, now: number): boolean {
    if (now >= this.deadline(policy)) return true;
    return this.#phase !== SessionPhase.Parked && this.socket.readyState !== SOCKET_OPEN;
  }

  #enter(phase: SessionPhase, now: number): void {
    this.#phase = phase;
    this.#phaseSince = now;
  }
}
