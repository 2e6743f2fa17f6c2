/**
 * Options of the sync server.
 * @module
 */
import type { StoreSchema, UnknownRecord } from "@tldraw/store";
import type { SyncMetrics } from "../metrics/sync_metrics.ts";
import type { Logger } from "../ports/logger.ts";
import { resolveRoomLimits, type RoomLimits } from "../room/room_limits.ts";
import type { TimeSource } from "../ports/time_source.ts";
import type { StorageProvider } from "../storage/storage.ts";
import type { StorageHealth } from "../storage/storage_health.ts";
import type { Authorize } from "./authorize.ts";
import type { HttpRoute } from "./http_route.ts";
import type { ServerEmitter } from "./server_events.ts";
import type { RoomRouterFactory } from "./room_router.ts";
import type { HistoryViewOptions } from "./history_views.ts";

export type { Authorize, AuthorizeResult } from "./authorize.ts";

/**
 * Limits enforced per session and per room. The record and room caps (`maxRecordBytes`,
 * `maxRecordDepth`, `maxRecordIdBytes`, `maxRoomBytes`) come from {@linkcode RoomLimits}; a push
 * over one is answered with `discard`.
 */
export interface SyncLimits extends RoomLimits {
  /**
   * Largest incoming message in bytes (UTF-8), one frame or reassembled chunks. Default 8 MiB.
   * Over it: 4099 MESSAGE_TOO_LARGE.
   */
  maxMessageBytes?: number;
  /** Sessions per room that completed their `connect`. Default 100. Over it: 4099 ROOM_FULL. */
  maxSessionsPerRoom?: number;
  /** Sustained messages per second per session. Default 100. Over it: 4099 RATE_LIMITED. */
  maxMessagesPerSecond?: number;
  /** Messages a session may send at once. Default 500. */
  messageBurst?: number;
  /**
   * Bytes still queued to a client, from earlier messages, when another is to be sent, over which
   * the client is too slow: closed with 1013 (it reconnects and resyncs). Default 32 MiB.
   */
  maxBufferedBytes?: number;
  /** Bytes of frames kept while the room loads (UTF-16 units for text). Default 16 MiB. Over it: 1013. */
  maxPreloadBytes?: number;
  /** Frames kept while the room loads. Default 1000. Over it: 1013. */
  maxPreloadFrames?: number;
  /**
   * Sockets of a room awaiting their `connect` message. Default `maxSessionsPerRoom`, at least
   * 100 (a whole room may reconnect at once). Over it: 1013 after accept.
   */
  maxPendingPerRoom?: number;
  /** Sockets of one client address awaiting `connect`. Default 50. Over it: HTTP 429. */
  maxPendingPerAddress?: number;
  /**
   * Sockets of one client address awaiting `connect` in one room. Default a tenth of
   * `maxPendingPerRoom` (10), at most `maxPendingPerAddress`: filling a room's pending slots (and
   * holding new joiners off with 1013) takes ten addresses, not two. Over it: HTTP 429.
   */
  maxPendingPerAddressInRoom?: number;
  /** Open sockets of one client address. Default 500. Over it: HTTP 429. */
  maxSocketsPerAddress?: number;
  /** Rooms one client address may load (not live yet) per minute, sustained. Default 60. Over it: HTTP 429. */
  newRoomsPerMinute?: number;
  /** Rooms one client address may load at once before the per-minute rate applies. Default 30. */
  newRoomBurst?: number;
  /**
   * Longest `sessionId` query parameter, in UTF-16 units (tldraw's clients send 16–36). Default
   * 256. Over it: HTTP 400 (no stock client sends one, so nothing retries it).
   */
  maxSessionIdChars?: number;
}

/** Options for the sync server. */
export interface SyncServerOptions {
  /** Where rooms are stored. Default: in memory (lost on restart). */
  storage?: StorageProvider;
  /**
   * Storage's health, reported by `GET /health` (503 while unhealthy). Default: a new one of
   * kind `custom` (with `storage`) or `memory`; commits update it either way.
   */
  storageHealth?: StorageHealth;
  /** Record schema shared with the clients. Default: tldraw's `createTLSchema()`. */
  schema?: StoreSchema<UnknownRecord, unknown>;
  /** Auth hook; refusals close with 4099 and the reason. Default: everyone may write. */
  authorize?: Authorize;
  /** Limits. */
  limits?: SyncLimits;
  /** Which room ids are valid. Default: 1–128 of `A–Z a–z 0–9 _ - . ~`. */
  roomIdPattern?: RegExp;
  /** How long an empty room stays loaded, in ms. Default 10000. */
  roomGracePeriodMs?: number;
  /** Idle ms before a silent session is closed. Default 20000. */
  clientTimeout?: number;
  /** Wall time. Default: the system clock. */
  time?: TimeSource;
  /** Structured logs. Default: silent. */
  logger?: Logger;
  /** Where the `tlsync_*` metrics go (serve them with `metricsRoute`). Default: a new set per server. */
  metrics?: SyncMetrics;
  /**
   * Emit into this emitter (e.g. one made before the server, so storage can report into it).
   * Default: a new one. Either way it is `SyncServer.events`; use it for one server only.
   */
  events?: ServerEmitter;
  /** Extra HTTP routes tried in order before the built-in ones (assets, admin, metrics…). */
  routes?: HttpRoute[];
  /**
   * Where connections find their room. Default: this process's registry. `createKvCluster`
   * supplies one that follows rooms served by another process (multi-instance).
   */
  roomRouter?: RoomRouterFactory;
  /**
   * Browser origins (e.g. `https://app.example.com`) allowed to open sockets; an upgrade with
   * another `Origin` header gets HTTP 403. Requests without `Origin` (non-browser clients) pass.
   * Default: every origin (set it when `authorize` relies on cookies).
   */
  allowedOrigins?: string[];
  /**
   * Behind one trusted reverse proxy: take the client address from the right-most
   * `X-Forwarded-For` entry instead of the socket's peer. Default false.
   */
  trustProxy?: boolean;
  /**
   * Apply the per-address caps to 127.0.0.1 and ::1 too. Default false: a reverse proxy on the
   * same host (without `trustProxy`) or local tooling connects from there on behalf of many
   * clients, whom one shared cap would refuse together.
   */
  limitLocalhost?: boolean;
  /**
   * Readonly views of a room's past (`/connect/<room>?at=<clock>`), for storage that keeps
   * history: tickets and caps, or `false` to refuse every `?at=` connect. Default: on.
   */
  history?: HistoryViewOptions | false;
}

/** Limits with defaults filled in. */
export type ResolvedLimits = Required<SyncLimits>;

/** Fill in default limits. */
export function resolveLimits(limits: SyncLimits = {}): ResolvedLimits {
  const maxSessionsPerRoom = limits.maxSessionsPerRoom ?? 100;
  const maxPendingPerRoom = limits.maxPendingPerRoom ?? Math.max(100, maxSessionsPerRoom);
  const maxPendingPerAddress = limits.maxPendingPerAddress ?? 50;
  return {
    ...resolveRoomLimits(limits),
    maxSessionsPerRoom,
    maxMessagesPerSecond: limits.maxMessagesPerSecond ?? 100,
    messageBurst: limits.messageBurst ?? 500,
    maxBufferedBytes: limits.maxBufferedBytes ?? 32 * 1024 * 1024,
    maxPreloadBytes: limits.maxPreloadBytes ?? 16 * 1024 * 1024,
    maxPreloadFrames: limits.maxPreloadFrames ?? 1000,
    maxPendingPerRoom,
    maxPendingPerAddress,
    maxPendingPerAddressInRoom: limits.maxPendingPerAddressInRoom ??
      Math.min(maxPendingPerAddress, Math.max(1, Math.floor(maxPendingPerRoom / 10))),
    maxSocketsPerAddress: limits.maxSocketsPerAddress ?? 500,
    newRoomsPerMinute: limits.newRoomsPerMinute ?? 60,
    newRoomBurst: limits.newRoomBurst ?? 30,
    maxSessionIdChars: limits.maxSessionIdChars ?? 256,
  };
}
