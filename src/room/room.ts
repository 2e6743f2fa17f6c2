/**
 * The room: one tldraw document shared by many sessions. It owns the in-memory state,
 * dispatches client messages to the handlers, and is the one place their errors are caught.
 * @module
 */
import { serializedSchemaOf, sharedDefaultSchema } from "../schema/shared_schema.ts";
import type { RecordType, StoreSchema, UnknownRecord } from "@tldraw/store";
import { CloseReason } from "../protocol/close_reason.ts";
import { FrameRefusal } from "../protocol/frame_reassembler.ts";
import type { TLSocketClientSentEvent } from "../protocol/messages.ts";
import { SyncError } from "../protocol/sync_error.ts";
import type { AnyStoreSchema } from "../schema/any_store_schema.ts";
import { MemoryRoomStorage } from "../storage/memory_storage.ts";
import type { RoomSnapshot, RoomStorage } from "../storage/storage.ts";
import { CommitScheduler, commitsPaced } from "./commit_scheduler.ts";
import { DurabilityGate } from "./durability_gate.ts";
import { handleConnect } from "./handle_connect.ts";
import { handlePush } from "./handle_push.ts";
import { type LoadedStore, loadStore, type TLStoreSnapshotLike } from "./load_snapshot.ts";
import { reportSkipped, type RoomSkippedRecord } from "./load_skip.ts";
import { type Logger, silentLogger } from "../ports/logger.ts";
import type { RoomCore } from "./room_core.ts";
import { loggedChannel } from "../ports/event_channel.ts";
import { type RoomCallbacks, subscribeCallbacks } from "./room_callbacks.ts";
import type { RoomEmitter, RoomEventMap } from "./room_events.ts";
import { RoomLifecycle } from "./room_lifecycle.ts";
import { resolveRoomLimits, type RoomLimits } from "./room_limits.ts";
import { RoomSize } from "./room_size.ts";
import { type Session, type SessionIdentity, SessionPhase } from "./session.ts";
import type { SocketConnectOptions } from "./socket_connect_options.ts";
export type { SocketConnectOptions } from "./socket_connect_options.ts";
import { expireSession, parkSession, refuseSession } from "./session_exits.ts";
import type { SocketLike } from "../ports/socket_like.ts";
import { systemTime, type TimeSource } from "../ports/time_source.ts";
import { replaceDocuments, type StoreUpdater, updateDocuments } from "./update_store.ts";
import { admitSocket } from "./admit_socket.ts";
import { livenessPolicy } from "./liveness_policy.ts";
import { LivenessScheduler } from "./liveness_scheduler.ts";
import { retentionFromLimits } from "./tombstone_retention.ts";

/** Options for {@linkcode Room.load}. */
export interface RoomOptions extends RoomCallbacks<Room> {
  /** The room's id (for logs and hooks). */
  roomId: string;
  /** The record schema; must match the clients'. Default: tldraw's `createTLSchema()`. */
  schema?: StoreSchema<UnknownRecord, unknown>;
  /** Where the room's state lives. Default: in memory. */
  storage?: RoomStorage;
  /** Wall time. Default: the system clock. */
  time?: TimeSource;
  /** Structured logs. Default: silent. */
  logger?: Logger;
  /** Idle ms before a silent session is parked; 0 or Infinity disables. Default 20000. */
  clientTimeout?: number;
  /** Record, room and message caps (see {@linkcode RoomLimits} for the defaults). */
  limits?: RoomLimits;
  /**
   * A stored record was left out while loading (malformed, over a cap, failing its migration or
   * validation, of an unknown type). It is logged (`record_skipped`), emitted as the
   * `record_skipped` event, and stays in storage.
   */
  onRecordSkipped?: (info: RoomSkippedRecord) => void;
  /**
   * Also deliver every event (see {@linkcode RoomEventMap}) to this emitter, after the room's own
   * listeners; a server passes its own. Unlike `Room.events`, it sees `room_loaded` and
   * `record_skipped`.
   */
  eventSink?: RoomEmitter;
}

/** Public information about a session. */
export interface SessionInfo {
  /** The session id the client chose. */
  sessionId: string;
  /** False while the session waits out its reconnect grace period. */
  isConnected: boolean;
  /** Whether pushes from this session are refused. */
  isReadonly: boolean;
  /** The `meta` given at connect. */
  meta: unknown;
  /** `handshaking`, `live` or `parked`. */
  phase: SessionPhase;
  /** The user `authorize` bound the session to, if any. */
  identity?: SessionIdentity;
  /** When the session's socket opened, in ms since the epoch. */
  openedAt: number;
}

/**
 * What loading must store: a new room nothing until its first edit; a migrated one the
 * migration. A migration commit rewrites the whole room, unless records were skipped: then it
 * writes only what changed, so the skipped records stay in storage (for export) until an edit
 * of the same id replaces them. Their stored state is then read under the migrated schema.
 */
function recordLoadCommit(commits: CommitScheduler, loaded: LoadedStore): void {
  if (loaded.isNew) return commits.recordReplace(false);
  if (!loaded.migrated) return;
  if (loaded.skipped.length === 0) return commits.recordReplace();
  commits.record(loaded.migrated.changes.keys(), loaded.migrated.prunedTombstones);
  commits.recordMetadata();
}

/** A tldraw sync room. Create with {@linkcode Room.load}. */
export class Room {
  /** The room's id. */
  readonly roomId: string;
  /**
   * The room's events (a mitt emitter): `session_joined`, `session_left`, `push_rejected`,
   * `commit`, `room_failed`, `room_closed`; see {@linkcode RoomEventMap}.
   *
   * @example
   * ```ts ignore
   * room.events.on("session_left", (e) => {
   *   if (e.sessionsRemaining === 0) console.log(`${e.roomId} is empty`);
   * });
   * ```
   */
  readonly events: RoomEmitter;
  #core: RoomCore;
  #life: RoomLifecycle;

  private constructor(core: RoomCore, life: RoomLifecycle) {
    this.roomId = core.roomId;
    this.events = core.events.emitter;
    this.#core = core;
    this.#life = life;
  }

  /** Load a room from storage (migrating it) and return it ready for sockets. */
  static async load(options: RoomOptions): Promise<Room> {
    const schema = (options.schema ?? sharedDefaultSchema()) as AnyStoreSchema;
    const storage: RoomStorage = options.storage ?? new MemoryRoomStorage();
    const time = options.time ?? systemTime;
    const logger = options.logger ?? silentLogger;
    const startedAt = time.now();
    const limits = resolveRoomLimits(options.limits);
    const retention = retentionFromLimits(limits);
    const loaded = loadStore(schema, await storage.load(), {
      limits,
      lenient: true,
      retention,
      time,
    });
    const store = loaded.store;
    const gate = new DurabilityGate(
      loaded.migrated ? loaded.migrated.documentClock - 1 : store.documentClock,
      commitsPaced(storage),
    );
    const { schema: serverSchema, json: serverSchemaJson } = serializedSchemaOf(schema);
    // Assigned below; the callbacks that read it run only after construction.
    // deno-lint-ignore prefer-const
    let life!: RoomLifecycle;
    const events = loggedChannel<RoomEventMap>(logger, { roomId: options.roomId }, {
      sink: options.eventSink,
    });
    reportSkipped(options.roomId, logger, loaded.skipped, (info) => {
      options.onRecordSkipped?.(info);
      events.emit("record_skipped", info);
    });
    const commits = new CommitScheduler(storage, store, gate, (error) => life.fail(error), {
      events,
      roomId: options.roomId,
      time,
    });
    const presenceType = Object.values(schema.types).find((t) => t.scope === "presence") ?? null;
    const sessions = new Map<string, Session>();
    const core: RoomCore = {
      roomId: options.roomId,
      schema,
      serverSchema,
      serverSchemaJson,
      store,
      presence: new Map(),
      presenceType: presenceType as RecordType<UnknownRecord, never> | null,
      sessions,
      time,
      logger,
      events,
      gate,
      commits,
      liveness: new LivenessScheduler(time, livenessPolicy(options.clientTimeout), sessions, {
        expire: (session) => expireSession(core, session),
      }),
      limits,
      size: RoomSize.of(store),
      hydrationCache: { clock: -1, bodies: new Map() },
      onSessionRemoved: (info) => life.sessionRemoved(info),
      onPushRejected: (sessionId, reason) => life.pushRejected(sessionId, reason),
    };
    life = new RoomLifecycle(core, storage);
    const room = new Room(core, life);
    subscribeCallbacks(room, options);
    recordLoadCommit(commits, loaded);
    const { roomId } = options;
    const ms = time.now() - startedAt;
    events.emit("room_loaded", {
      roomId,
      records: store.documents.size,
      bytes: core.size.total,
      ms,
    });
    return room;
  }

  /** Attach a newly opened socket. A live session under the same id is superseded. */
  handleSocketConnect(options: SocketConnectOptions): void {
    this.#life.assertOpen();
    admitSocket(this.#core, options);
  }

  /** Feed one frame received on a session's socket. */
  handleSocketMessage(
    sessionId: string,
    data: string | ArrayBuffer | Uint8Array,
    socket?: SocketLike,
  ): void {
    const session = this.#core.sessions.get(sessionId);
    if (!session || (socket && session.socket !== socket) || this.#life.closed) return;
    if (session.phase === SessionPhase.Parked) return; // its socket was closed by us
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    let message: unknown;
    try {
      const outcome = session.assembler.accept(text);
      if (outcome.kind === "pending") return;
      if (outcome.kind === "refused") {
        this.#core.logger.warn("bad_frame", {
          roomId: this.roomId,
          sessionId,
          error: `${outcome.refusal}: ${outcome.detail}`,
        });
        if (outcome.refusal === FrameRefusal.TooLarge) {
          return refuseSession(this.#core, session, CloseReason.MESSAGE_TOO_LARGE);
        }
        return parkSession(this.#core, session);
      }
      message = outcome.message;
      this.#dispatch(session, message);
    } catch (error) {
      this.#handleError(session, error);
    }
  }

  /** The session's socket closed (or errored). Ignored for a superseded socket. */
  handleSocketClose(sessionId: string, socket?: SocketLike): void {
    const session = this.#core.sessions.get(sessionId);
    if (!session || (socket && session.socket !== socket)) return;
    parkSession(this.#core, session);
  }

  /** Remove a session; with `fatalReason` the client gets close 4099 and stops reconnecting. */
  closeSession(sessionId: string, fatalReason?: string): void {
    this.#life.closeSession(sessionId, fatalReason);
  }

  /** Send a `custom` message to a connected session. */
  sendCustomMessage(sessionId: string, data: unknown): void {
    this.#life.sendCustom(sessionId, data);
  }

  /** Number of sessions in every state. */
  getSessionCount(): number {
    return this.#core.sessions.size;
  }

  /** Number of sessions that completed their `connect` (the ones that take a seat). */
  getConnectedSessionCount(): number {
    let count = 0;
    for (const session of this.#core.sessions.values()) if (session.isLive) count++;
    return count;
  }

  /** True once `sessionId` completed its `connect` (until it is parked). */
  isSessionConnected(sessionId: string): boolean {
    return this.#core.sessions.get(sessionId)?.isLive ?? false;
  }

  /** Every session. */
  getSessions(): SessionInfo[] {
    return [...this.#core.sessions.values()].map((s) => ({
      sessionId: s.sessionId,
      isConnected: s.isLive,
      isReadonly: s.isReadonly,
      meta: s.meta,
      phase: s.phase,
      ...(s.identity ? { identity: s.identity } : {}),
      openedAt: s.openedAt,
    }));
  }

  /** How many documents the room holds and their serialized size in bytes. */
  getSize(): { records: number; bytes: number } {
    return { records: this.#core.store.documents.size, bytes: this.#core.size.total };
  }

  /** The current document clock. */
  getDocumentClock(): number {
    return this.#core.store.documentClock;
  }

  /** A record by id (shared; do not mutate). */
  getRecord(id: string): UnknownRecord | undefined {
    return this.#core.store.get(id);
  }

  /** The room's documents, tombstones, clocks and schema. */
  getSnapshot(): RoomSnapshot {
    return this.#core.store.toSnapshot();
  }

  /** Replace the room's documents with a snapshot's; durable and broadcast on return. */
  loadSnapshot(snapshot: RoomSnapshot | TLStoreSnapshotLike): Promise<void> {
    this.#life.assertOpen();
    replaceDocuments(this.#core, snapshot);
    return this.#core.commits.flush();
  }

  /** Server-side edit through the same path as pushes; durable and broadcast on return. */
  async updateStore(updater: StoreUpdater): Promise<void> {
    this.#life.assertOpen();
    await updateDocuments(this.#core, updater);
    return this.#core.commits.flush();
  }

  /** Resolves when every change so far is durable and has been sent. */
  async flush(): Promise<void> {
    await this.#core.commits.flush();
    for (const session of this.#core.sessions.values()) session.outbox.flush();
  }

  /** Flush, close every socket (code 1001 by default) and release storage. */
  close(code?: number, reason?: string): Promise<void> {
    return this.#life.close(code, reason);
  }

  /** True after `close()` or a storage failure. */
  isClosed(): boolean {
    return this.#life.closed;
  }

  #dispatch(session: Session, message: unknown): void {
    const msg = message as TLSocketClientSentEvent;
    switch (typeof msg === "object" && msg !== null ? msg.type : undefined) {
      case "connect": {
        const rejoin = session.isLive;
        handleConnect(this.#core, session, msg as Extract<typeof msg, { type: "connect" }>);
        return rejoin ? undefined : this.#joined(session);
      }
      case "push":
        return handlePush(this.#core, session, msg as Extract<typeof msg, { type: "push" }>);
      case "ping":
        if (!session.isLive) return;
        session.markSeen(this.#core.time.now());
        return session.outbox.sendImmediately('{"type":"pong"}');
      default:
        throw new SyncError(CloseReason.UNKNOWN_ERROR, "Unknown message type");
    }
  }

  /** Tell listeners a session completed its handshake. */
  #joined(session: Session): void {
    if (!session.isLive || this.#core.sessions.get(session.sessionId) !== session) return;
    this.#core.events.emit("session_joined", {
      roomId: this.roomId,
      sessionId: session.sessionId,
      isReadonly: session.isReadonly,
      identity: session.identity,
    });
  }

  /** The one catch site: protocol errors reject with their reason, anything else UNKNOWN_ERROR. */
  #handleError(session: Session, error: unknown): void {
    const reason = error instanceof SyncError ? error.reason : CloseReason.UNKNOWN_ERROR;
    if (!(error instanceof SyncError) && !(error instanceof SyntaxError)) {
      this.#core.logger.error("message_failed", {
        roomId: this.roomId,
        sessionId: session.sessionId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    refuseSession(this.#core, session, reason);
  }
}
