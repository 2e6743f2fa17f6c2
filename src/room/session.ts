/**
 * One client session: its socket, lifecycle state, protocol capabilities and presence id.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import { FrameReassembler } from "../protocol/frame_reassembler.ts";
import { Outbox } from "./outbox.ts";
import type { SocketLike } from "./socket_like.ts";
import type { TimeSource } from "./time_source.ts";

/** Lifecycle states of a session. */
export const SessionState = {
  AwaitingConnectMessage: "awaiting_connect",
  Connected: "connected",
  AwaitingRemoval: "awaiting_removal",
} as const;
/** A session state. */
export type SessionState = typeof SessionState[keyof typeof SessionState];

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
  /** Lifecycle state. */
  state: SessionState = SessionState.AwaitingConnectMessage;
  /** When the socket was attached. */
  readonly startedAt: number;
  /** Last ping or push. */
  lastInteractionTime: number;
  /** When the session was cancelled (grace period start). */
  cancelledAt = 0;
  /** The client's schema, or `undefined` when it equals the server's. */
  sessionSchema: SerializedSchema | undefined;
  /** Key grouping sessions that receive identical diffs (schema + append mode). */
  diffKey = "";
  /** Protocol 8 clients understand string appends. */
  supportsStringAppend = true;
  /** Protocol 5/6 clients are rejected with `incompatibility_error`. */
  requiresLegacyRejection = false;

  /** Create a session awaiting its `connect` message. */
  constructor(init: SessionInit) {
    this.sessionId = init.sessionId;
    this.socket = init.socket;
    this.presenceId = init.presenceId;
    this.isReadonly = init.isReadonly;
    this.meta = init.meta;
    this.identity = init.identity;
    this.assembler = new FrameReassembler({ maxMessageBytes: init.maxMessageBytes });
    this.startedAt = init.time.now();
    this.lastInteractionTime = this.startedAt;
    this.outbox = new Outbox(init.socket, init.time, init.onDead);
  }

  /** True once the handshake completed and until the session is cancelled. */
  get isConnected(): boolean {
    return this.state === SessionState.Connected;
  }
}
