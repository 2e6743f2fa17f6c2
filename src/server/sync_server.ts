/**
 * The runtime-neutral sync server: routes, auth, limits, rooms, shutdown. A runtime adapter
 * supplies the WebSocket upgrade.
 * @module
 */
import { SyncMetrics } from "../metrics/sync_metrics.ts";
import { timedStorage } from "../metrics/timed_storage.ts";
import { CloseReason, SYNC_ERROR_CLOSE_CODE } from "../protocol/close_reason.ts";
import { type Logger, silentLogger } from "../room/logger.ts";
import { systemTime, type TimeSource } from "../room/time_source.ts";
import { MemoryStorageProvider } from "../storage/memory_storage.ts";
import { StorageHealth, StorageKind } from "../storage/storage_health.ts";
import { Connection } from "./connection.ts";
import type { SocketEvents, Upgrader } from "./raw_socket.ts";
import { RoomRegistry } from "./room_registry.ts";
import type { RoomRouter } from "./room_router.ts";
import { DEFAULT_ROOM_ID_PATTERN, parseRoute } from "./room_id.ts";
import { type ResolvedLimits, resolveLimits, type SyncServerOptions } from "./server_options.ts";
import { authorizeRequest } from "./authorize_request.ts";

const ROOT_TEXT = `tldraw sync server (protocol v8)

Connect a tldraw app with useSync({ uri: "ws://<this host>/connect/<roomId>" }).
Health: GET /health
`;

/** Handles HTTP requests and WebSocket sessions for many rooms. */
export class SyncServer {
  /** The process's rooms. */
  readonly registry: RoomRegistry;
  /** The server's metrics (`SyncServerOptions.metrics` or its own). */
  readonly metrics: SyncMetrics;
  /** Storage's health (`GET /health`). */
  readonly storageHealth: StorageHealth;
  #untrack: () => void;
  #options: SyncServerOptions;
  #limits: ResolvedLimits;
  #time: TimeSource;
  #logger: Logger;
  #connections = new Set<Connection>();
  #draining = false;
  #router: RoomRouter;

  /** A server with the given options. */
  constructor(options: SyncServerOptions = {}) {
    this.#options = options;
    this.#limits = resolveLimits(options.limits);
    this.#time = options.time ?? systemTime;
    this.#logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new SyncMetrics();
    this.#untrack = this.metrics.track(() => this.stats());
    this.storageHealth = options.storageHealth ??
      new StorageHealth(options.storage ? StorageKind.custom : StorageKind.memory);
    this.registry = new RoomRegistry({
      storage: timedStorage(
        options.storage ?? new MemoryStorageProvider(),
        this.metrics,
        this.storageHealth,
      ),
      schema: options.schema,
      time: this.#time,
      logger: this.#logger,
      graceMs: options.roomGracePeriodMs ?? 10_000,
      clientTimeout: options.clientTimeout,
      limits: this.#limits,
      onPushRejected: (reason) => this.metrics.pushesRejected.inc({ reason }),
      onRecordSkipped: (reason) => this.metrics.loadSkippedRecords.inc({ reason }),
    });
    this.#router = options.roomRouter?.(this.registry) ?? this.registry;
  }

  /** Answer one request; `upgrade` performs the runtime's WebSocket upgrade. */
  async handle(req: Request, upgrade: Upgrader): Promise<Response | undefined> {
    const url = new URL(req.url);
    for (const extra of this.#options.routes ?? []) {
      const response = await extra(req, url, this);
      if (response) return response;
    }
    const route = parseRoute(url.pathname, this.#options.roomIdPattern ?? DEFAULT_ROOM_ID_PATTERN);
    switch (route.kind) {
      case "root":
        return new Response(ROOT_TEXT, {
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
      case "health": {
        const storage = this.storageHealth.report(); // 503 while storage is failing
        return Response.json({ ...storage, ok: storage.ok && !this.#draining, ...this.stats() }, {
          status: storage.ok ? 200 : 503,
        });
      }
      case "not_found":
        return new Response("Not found\n", { status: 404 });
    }
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade\n", {
        status: 426,
        headers: { upgrade: "websocket" },
      });
    }
    // Refusals accept the upgrade and then close with 4099: an HTTP error on the upgrade is
    // indistinguishable from a network failure to the tldraw client, which retries forever.
    if (this.#draining) return upgrade(req, closeOnOpen(1012, "Server restarting"));
    if (route.roomId === null) return upgrade(req, this.#refuse(CloseReason.NOT_FOUND));
    const auth = await authorizeRequest(this.#options.authorize, req, route.roomId, this.#logger);
    if ("refuse" in auth) return upgrade(req, this.#refuse(auth.refuse));
    const connection = new Connection({
      roomId: route.roomId,
      sessionId: url.searchParams.get("sessionId") || crypto.randomUUID(),
      isReadonly: auth.readonly,
      meta: auth.meta,
      identity: auth.identity,
      limits: this.#limits,
      time: this.#time,
      logger: this.#logger,
      metrics: this.metrics,
      acquire: (roomId) => this.#router.acquire(roomId),
      releaseIfEmpty: (roomId) => this.#router.releaseIfEmpty(roomId),
      onClosed: (c) => this.#connections.delete(c),
    });
    this.#connections.add(connection);
    return upgrade(req, connection);
  }

  /** Live rooms and sessions. */
  stats(): { rooms: number; sessions: number } {
    const rooms = this.registry.rooms();
    return { rooms: rooms.length, sessions: rooms.reduce((n, r) => n + r.getSessionCount(), 0) };
  }

  /** Stop accepting sessions, flush every room to storage, close sockets with 1001. */
  async shutdown(): Promise<void> {
    this.#draining = true;
    this.#untrack();
    await this.registry.closeAll(1001, "Server shutting down");
    await this.#router.close?.();
    for (const c of this.#connections) c.close();
    await this.#options.storage?.close?.();
  }

  #refuse(reason: string): SocketEvents {
    this.metrics.rejected.inc({ reason });
    return closeOnOpen(SYNC_ERROR_CLOSE_CODE, reason);
  }
}

function closeOnOpen(code: number, reason: string): SocketEvents {
  return {
    open: (raw) => raw.close(code, reason),
    message: () => {},
    close: () => {},
  };
}
