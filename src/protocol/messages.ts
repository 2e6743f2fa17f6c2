/**
 * Wire message types of the tldraw sync protocol (v8), named as upstream names them.
 * @module
 */
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { NetworkDiff, ObjectDiff } from "../diff/network_diff.ts";
import type { IncompatibilityReason } from "./close_reason.ts";

/** Client → server: the first frame on every socket. */
export interface TLConnectRequest {
  type: "connect";
  connectRequestId: string;
  lastServerClock: number;
  protocolVersion: number;
  schema: SerializedSchema;
}

/** A presence op carried by a push. */
export type PresenceOp = ["put", UnknownRecord] | ["patch", ObjectDiff];

/** Client → server: a batch of document and/or presence changes. */
export interface TLPushRequest {
  type: "push";
  clientClock: number;
  diff?: NetworkDiff;
  presence?: PresenceOp;
}

/** Client → server: keepalive. */
export interface TLPingRequest {
  type: "ping";
}

/** Any message a client may send. */
export type TLSocketClientSentEvent = TLConnectRequest | TLPushRequest | TLPingRequest;

/** Server → client: reply to `connect`. */
export interface TLConnectEvent {
  type: "connect";
  hydrationType: "wipe_all" | "wipe_presence";
  connectRequestId: string;
  protocolVersion: number;
  schema: SerializedSchema;
  diff: NetworkDiff;
  serverClock: number;
  isReadonly: boolean;
  objectAccess?: "read" | "write";
}

/** Server → client: changes made by other sessions. */
export interface TLPatchEvent {
  type: "patch";
  diff: NetworkDiff;
  serverClock: number;
}

/** What happened to a push. */
export type PushResultAction = "commit" | "discard" | { rebaseWithDiff: NetworkDiff };

/** Server → client: the outcome of one push. */
export interface TLPushResultEvent {
  type: "push_result";
  clientClock: number;
  serverClock: number;
  action: PushResultAction;
}

/** Messages that travel inside a `data` envelope. */
export type TLSocketServerSentDataEvent = TLPatchEvent | TLPushResultEvent;

/** Server → client: a batch of data messages. */
export interface TLDataEvent {
  type: "data";
  data: TLSocketServerSentDataEvent[];
}

/** Server → client: reply to `ping`. */
export interface TLPongEvent {
  type: "pong";
}

/** Server → client: an application message sent by the host. */
export interface TLCustomEvent {
  type: "custom";
  data: unknown;
}

/** Server → client: legacy rejection for protocol 5/6 clients. */
export interface TLIncompatibilityErrorEvent {
  type: "incompatibility_error";
  reason: IncompatibilityReason;
}

/** Any message the server sends. */
export type TLSocketServerSentEvent =
  | TLConnectEvent
  | TLDataEvent
  | TLPatchEvent
  | TLPushResultEvent
  | TLPongEvent
  | TLCustomEvent
  | TLIncompatibilityErrorEvent;

/**
 * How every `connect` reply this server sends begins (`handle_connect.ts` writes it so): a socket
 * that sends it has completed its handshake (a follower's proxy sees only the writer's frames, so
 * it goes by this).
 */
export const CONNECT_REPLY_PREFIX = '{"type":"connect",';
