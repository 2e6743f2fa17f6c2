/**
 * The runtime-neutral sync server: routes, auth, limits, rooms, shutdown. A runtime adapter
 * supplies the WebSocket upgrade.
 * @module
 */
import { SyncMetrics } from "../metrics/sync_metrics.ts";
import { timedStorage } from "../metrics/timed_storage.ts";
import { CloseCode, CloseReason, CloseText } from "../protocol/close_reason.ts";
import { type EventChannel, loggedChannel } from "../ports/event_channel.ts";
import { type Logger, silentLogger } from "../ports/logger.ts";
import { systemTime, type TimeSource } from "../ports/time_source.ts";
import { MemoryStorageProvider } from "../storage/memory_storage.ts";
import { StorageHealth, StorageKind } from "../storage/storage_health.ts";
import { Admission, type Refusal } from "./admission.ts";
import { clientAddress, limitKeyOf } from "./client_address.ts";
import { Connection } from "./connection.ts";
import type { ConnectionInfo } from "./connection_info.ts";
import type { RouteContext } from "./http_route.ts";
import { logEvents } from "./log_subscriber.ts";
import { meterEvents } from "./metrics_subscriber.ts";
import { OriginCheck } from "./origin_check.ts";
import type { SocketEvents, Upgrader } from "./raw_socket.ts";
import { RoomRegistry } from "./room_registry.ts";
import type { RoomRouter } from "./room_router.ts";
import { DEFAULT_ROOM_ID_PATTERN, parseRoute } from "./room_id.ts";
import {
  type Authorize,
  type ResolvedLimits,
  resolveLimits,
  type SyncServerOptions,
} from "./server_options.ts";
import { type AuthDecision, authorizeRequest } from "./authorize_request.ts";
import type { ServerEmitter, ServerEventMap } from "./server_events.ts";
import { parseClock } from "../storage/history_target.ts";
import { HistoryTickets, MAX_TICKET_CHARS } from "./history_tickets.ts";
import {
  DEFAULT_MAX_HISTORY_VIEWS,
  HistoryViews,
  MAX_HISTORY_VIEWS_CEILING,
} from "./history_views.ts";

type Admitted = Exclude<AuthDecision, { refuse: string }>;

const ROOT_TEXT = `tldraw sync server (protocol v8)

Connect a tldraw app with useSync({ uri: "ws://<this host>/connect/<roomId>" }).
Health: GET /health
`;

/** What the runtime adapter knows about a request beyond the `Request` itself. */
export interface HandleOptions {
  /** The socket peer's IP address (Deno: `info.remoteAddr.hostname`; Bun: `server.requestIP`). */
  peerAddress?: string | undefined;
}

/** Handles HTTP requests and WebSocket sessions for many rooms. */
export class SyncServer implements RouteContext {
  /** The process's rooms. */
  readonly registry: RoomRegistry;
  /** The server's metrics (`SyncServerOptions.metrics` or its own). */
  readonly metrics: SyncMetrics;
  /** Storage's health (`GET /health`). */
  readonly storageHealth: StorageHealth;
  /**
   * Every room's events and the server's own (a mitt emitter); see {@linkcode ServerEventMap}.
   * The metrics and the log lines are listeners on it.
   */
  readonly events: ServerEmitter;
  #channel: EventChannel<ServerEventMap>;
  #untrack: () => void;
  #options: SyncServerOptions;
  #limits: ResolvedLimits;
  #time: TimeSource;
  #logger: Logger;
  #connections = new Set<Connection>();
  /** Every connection's `onClosed` (one function, not a closure per socket). */
  #connectionClosed = (c: Connection): void => void this.#connections.delete(c);
  #draining = false;
  #router: RoomRouter;
  #addresses = new WeakMap<Request, string>();
  /** Admission counts (open and pending sockets per address and room, new-room buckets). */
  readonly admission: Admission;
  #origins: OriginCheck | undefined;
  #views: HistoryViews | undefined;
  /** Issues the tickets of readonly history views (undefined when `history` is false). */
  readonly historyTickets: HistoryTickets | undefined;

  /** A server with the given options. */
  constructor(options: SyncServerOptions = {}) {
    this.#options = options;
    this.#limits = resolveLimits(options.limits);
    this.#time = options.time ?? systemTime;
    this.#logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new SyncMetrics();
    this.#channel = loggedChannel(this.#logger, {}, { emitter: options.events });
    this.events = this.#channel.emitter;
    const unmeter = meterEvents(this.events, this.metrics);
    const unlog = logEvents(this.events, this.#logger);
    const untrack = this.metrics.track(() => this.stats());
    this.#untrack = () => (untrack(), unmeter(), unlog());
    this.storageHealth = options.storageHealth ??
      new StorageHealth(options.storage ? StorageKind.custom : StorageKind.memory);
    this.registry = new RoomRegistry({
      storage: timedStorage(
        options.storage ?? new MemoryStorageProvider({ time: this.#time }),
        this.metrics,
        this.storageHealth,
      ),
      schema: options.schema,
      time: this.#time,
      logger: this.#logger,
      graceMs: options.roomGracePeriodMs ?? 10_000,
      clientTimeout: options.clientTimeout,
      limits: this.#limits,
      events: this.events,
    });
    this.#router = options.roomRouter?.(this.registry) ?? this.registry;
    this.admission = new Admission(this.#limits, this.#time);
    this.#origins = options.allowedOrigins && new OriginCheck(options.allowedOrigins);
    const history = options.history ?? {};
    if (history !== false) {
      this.historyTickets = new HistoryTickets(
        history.ticketSecret,
        this.#time,
        history.ticketTtlMs,
      );
      this.#views = new HistoryViews({
        registry: this.registry,
        schema: options.schema,
        time: this.#time,
        logger: this.#logger,
        limits: this.#limits,
        clientTimeout: options.clientTimeout,
        graceMs: options.roomGracePeriodMs ?? 10_000,
        maxViews: Math.min(
          history.maxViews ?? DEFAULT_MAX_HISTORY_VIEWS,
          MAX_HISTORY_VIEWS_CEILING,
        ),
      });
    }
  }

  /**
   * The key per-address limits count `req` under (its client address, IPv6 by /64), as seen by
   * {@linkcode SyncServer.handle}; `undefined` when the address is unknown. Routes use it.
   */
  clientAddressOf(req: Request): string | undefined {
    const address = this.#addresses.get(req);
    return address === undefined ? undefined : this.#limitKey(address) ?? undefined;
  }

  /** The connect auth hook (`SyncServerOptions.authorize`), for routes that reuse it (uploads). */
  get authorize(): Authorize | undefined {
    return this.#options.authorize;
  }

  /** Answer one request; `upgrade` performs the runtime's WebSocket upgrade. */
  async handle(
    req: Request,
    upgrade: Upgrader,
    options: HandleOptions = {},
  ): Promise<Response | undefined> {
    const url = new URL(req.url);
    const address = clientAddress(req, options.peerAddress, this.#options.trustProxy ?? false);
    this.#addresses.set(req, address);
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
    // Final refusals accept the upgrade and then close with 4099: an HTTP error on the upgrade is
    // indistinguishable from a network failure to the tldraw client, which retries forever.
    // Transient caps use that on purpose (HTTP 429 / close 1013): the client retries later.
    if (this.#draining) {
      return upgrade(req, closeOnOpen(CloseCode.SERVICE_RESTART, CloseText.SERVER_RESTARTING));
    }
    const origin = req.headers.get("origin");
    if (this.#origins && !this.#origins.allows(origin)) {
      this.#logger.warn("origin_refused", { origin: origin?.slice(0, 200), address });
      return new Response("Origin not allowed\n", { status: 403 });
    }
    const early = this.admission.checkAddress(this.#limitKey(address));
    if (early) return this.#tooMany(early, address, route.roomId);
    if (route.roomId === null) return upgrade(req, this.#refuse(CloseReason.NOT_FOUND, null));
    const sessionId = url.searchParams.get("sessionId");
    if (sessionId !== null && sessionId.length > this.#limits.maxSessionIdChars) {
      this.#logger.warn("session_id_refused", { chars: sessionId.length, address });
      return new Response("sessionId too long\n", { status: 400 });
    }
    const roomId = route.roomId;
    const at = url.searchParams.get("at");
    if (at !== null) return await this.#historyView(req, upgrade, { roomId, url, at, address });
    const auth = await authorizeRequest(this.#options.authorize, req, roomId, this.#logger);
    if ("refuse" in auth) return upgrade(req, this.#refuse(auth.refuse, roomId));
    return this.#admit(req, upgrade, { roomId, url, auth, address });
  }

  /**
   * The caps, checked again after the `await` of `authorize` (so concurrent upgrades of one
   * address cannot all pass), then the session's socket.
   */
  /**
   * `?at=<clock>`: a readonly view of the room's past, for a valid ticket (from the admin API)
   * or an `authorize` answer with `history: true`.
   */
  async #historyView(
    req: Request,
    upgrade: Upgrader,
    a: { roomId: string; url: URL; at: string; address: string },
  ): Promise<Response | undefined> {
    const clock = parseClock(a.at);
    const ticket = a.url.searchParams.get("ticket");
    if (clock === null || (ticket !== null && ticket.length > MAX_TICKET_CHARS)) {
      return new Response("at must be a clock (digits); ticket at most 128 characters\n", {
        status: 400,
      });
    }
    const views = this.#views;
    if (!views) return upgrade(req, this.#refuse(CloseReason.FORBIDDEN, a.roomId));
    let auth: Admitted;
    if (ticket !== null && await this.historyTickets!.verify(a.roomId, clock, ticket)) {
      auth = { readonly: true, meta: undefined };
    } else {
      const decision = await authorizeRequest(this.#options.authorize, req, a.roomId, this.#logger);
      if ("refuse" in decision) return upgrade(req, this.#refuse(decision.refuse, a.roomId));
      if (!decision.history) return upgrade(req, this.#refuse(CloseReason.FORBIDDEN, a.roomId));
      auth = { ...decision, readonly: true };
    }
    const view = await views.open(a.roomId, clock);
    if (view === "full") {
      return upgrade(req, closeOnOpen(CloseCode.TRY_AGAIN_LATER, CloseText.TRY_AGAIN_LATER));
    }
    if (!view) return upgrade(req, this.#refuse(CloseReason.NOT_FOUND, a.roomId));
    const router = { acquire: () => Promise.resolve(view), releaseIfEmpty: () => {} };
    return this.#admit(req, upgrade, { ...a, auth, router });
  }

  #admit(
    req: Request,
    upgrade: Upgrader,
    a: { roomId: string; url: URL; auth: Admitted; address: string; router?: RoomRouter },
  ): Response | undefined {
    const key = this.#limitKey(a.address);
    const byAddress = this.admission.checkAddress(key) ??
      this.admission.checkAddressInRoom(key, a.roomId);
    if (byAddress) return this.#tooMany(byAddress, a.address, a.roomId);
    const byRoom = this.admission.checkRoom(a.roomId);
    if (byRoom) {
      this.#logRefusal(byRoom, a.address, a.roomId);
      return upgrade(req, closeOnOpen(CloseCode.TRY_AGAIN_LATER, CloseText.TRY_AGAIN_LATER));
    }
    const router = a.router ?? this.#router;
    const newRoom = this.registry.get(a.roomId) || a.router
      ? null
      : this.admission.takeNewRoom(key);
    if (newRoom) return this.#tooMany(newRoom, a.address, a.roomId);
    const connection = new Connection({
      roomId: a.roomId,
      sessionId: a.url.searchParams.get("sessionId") || crypto.randomUUID(),
      isReadonly: a.auth.readonly,
      meta: a.auth.meta,
      identity: a.auth.identity,
      limits: this.#limits,
      time: this.#time,
      logger: this.#logger,
      events: this.#channel,
      metrics: this.metrics,
      clientAddress: a.address,
      ticket: this.admission.enter(key, a.roomId),
      router,
      onClosed: this.#connectionClosed,
    });
    this.#connections.add(connection);
    // A failed upgrade never opens the socket, so nothing else would release its counts.
    let response: Response | undefined;
    try {
      response = upgrade(req, connection);
    } catch (error) {
      connection.close();
      throw error;
    }
    if (response !== undefined && response.status !== 101) connection.close();
    return response;
  }

  /** This process's open connections to `roomId` (for the admin sessions list). */
  connectionsIn(roomId: string): ConnectionInfo[] {
    const found: ConnectionInfo[] = [];
    for (const connection of this.#connections) {
      const info = connection.info();
      if (info?.roomId === roomId) found.push(info);
    }
    return found;
  }

  /** Live rooms and sessions. */
  stats(): { rooms: number; sessions: number } {
    const rooms = this.registry.rooms();
    return { rooms: rooms.length, sessions: rooms.reduce((n, r) => n + r.getSessionCount(), 0) };
  }

  /** Stop accepting sessions, flush every room to storage, close sockets with 1001. */
  async shutdown(): Promise<void> {
    this.#draining = true;
    try {
      await this.registry.closeAll(CloseCode.GOING_AWAY, CloseText.SERVER_SHUTTING_DOWN);
      await this.#views?.closeAll(CloseCode.GOING_AWAY, CloseText.SERVER_SHUTTING_DOWN);
      await this.#router.close?.();
      for (const c of this.#connections) c.close();
    } finally {
      this.#untrack(); // after the rooms and sockets closed: their events are counted and logged
    }
    await this.#options.storage?.close?.();
  }

  #tooMany(refusal: Refusal, address: string, roomId: string | null): Response {
    this.#logRefusal(refusal, address, roomId);
    return new Response("Too many requests\n", {
      status: 429,
      headers: { "retry-after": String(refusal.retryAfterSeconds) },
    });
  }

  #logRefusal(refusal: Refusal, address: string, roomId: string | null): void {
    this.#channel.emit("upgrade_refused", {
      what: refusal.what,
      limit: refusal.limit,
      address,
      roomId,
    });
  }

  /** See {@linkcode limitKeyOf}. */
  #limitKey(address: string): string | null {
    return limitKeyOf(address, this.#options.limitLocalhost ?? false);
  }

  #refuse(reason: string, roomId: string | null): SocketEvents {
    this.#channel.emit("socket_rejected", { roomId, sessionId: null, reason });
    return closeOnOpen(CloseCode.SYNC_ERROR, reason);
  }
}

function closeOnOpen(code: number, reason: string): SocketEvents {
  return {
    open: (raw) => raw.close(code, reason),
    message: () => {},
    close: () => {},
  };
}
