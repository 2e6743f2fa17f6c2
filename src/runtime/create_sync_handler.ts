/**
 * `createSyncHandler`: the sync server as a web-standard handler for Deno and Bun.
 * @module
 */
import type { ServerEmitter } from "../server/server_events.ts";
import { SyncServer } from "../server/sync_server.ts";
import { resolveLimits, type SyncServerOptions } from "../server/server_options.ts";
import { bunUpgrader, bunWebSocketHandlers } from "./bun/bun_upgrader.ts";
import type { BunServer, BunWebSocketHandlers } from "./bun/bun_types.ts";
import { settleGlobals } from "./bun/settle_globals.ts";
import { denoUpgrader } from "./deno/deno_upgrader.ts";
import { isBun } from "./detect.ts";

/** A sync server ready for `Deno.serve(handler.fetch)` or `Bun.serve(handler)`. */
export interface SyncHandler {
  /**
   * Handle a request. Pass what the runtime passes as the second argument: Deno's
   * `ServeHandlerInfo` (its `remoteAddr` is the client address) or Bun's server.
   */
  fetch(req: Request, server?: unknown): Promise<Response | undefined>;
  /** Bun's `websocket` handlers (ignored by Deno). */
  websocket: BunWebSocketHandlers;
  /** The underlying server (rooms, stats). */
  server: SyncServer;
  /**
   * The server's events (`server.events`): every room's and the server's own; see
   * `ServerEventMap`.
   *
   * @example
   * ```ts ignore
   * const sync = createSyncHandler();
   * sync.events.on("session_joined", (e) => console.log(`${e.sessionId} joined ${e.roomId}`));
   * ```
   */
  events: ServerEmitter;
  /** Flush every room and close every socket with 1001. */
  close(): Promise<void>;
}

/**
 * Create a sync handler.
 *
 * @example Serve with Deno
 * ```ts ignore
 * const sync = createSyncHandler();
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, sync.fetch);
 * ```
 */
export function createSyncHandler(options: SyncServerOptions = {}): SyncHandler {
  if (isBun()) settleGlobals(); // before anything runs hot: see settle_globals.ts
  const server = new SyncServer(options);
  const limits = resolveLimits(options.limits);
  return {
    server,
    events: server.events,
    fetch: (req: Request, second?: unknown): Promise<Response | undefined> => {
      if (isBun()) {
        const bunServer = second as BunServer;
        const peerAddress = bunServer?.requestIP?.(req)?.address;
        return server.handle(req, bunUpgrader(bunServer), { peerAddress });
      }
      const info = second as { remoteAddr?: { hostname?: string } } | undefined;
      return server.handle(req, denoUpgrader, { peerAddress: info?.remoteAddr?.hostname });
    },
    // Bun closes over-limit frames itself (1009); leave headroom so ours answers 4099 first.
    websocket: bunWebSocketHandlers(Math.max(16 * 1024 * 1024, limits.maxMessageBytes * 2)),
    close: (): Promise<void> => server.shutdown(),
  };
}
