// Test-only: serve a SyncHandler on 127.0.0.1 with a free port, under Deno or Bun.
import { createSyncHandler, type SyncHandler } from "../../src/runtime/create_sync_handler.ts";
import type { SyncServerOptions } from "../../src/server/server_options.ts";

export interface Served {
  handler: SyncHandler;
  port: number;
  http: string;
  ws: string;
  stop(): Promise<void>;
}

// deno-lint-ignore no-explicit-any
type Any = any;

export async function serve(options: SyncServerOptions = {}): Promise<Served> {
  const handler = createSyncHandler(options);
  const g = globalThis as Any;
  let port: number;
  let stopServer: () => Promise<void>;
  if (g.Bun) {
    const s = g.Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: handler.fetch,
      websocket: handler.websocket,
    });
    port = s.port;
    stopServer = async () => void s.stop(true);
  } else {
    let resolve!: (port: number) => void;
    const listening = new Promise<number>((r) => (resolve = r));
    const s = g.Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen: (a: { port: number }) => resolve(a.port) },
      handler.fetch as (req: Request) => Promise<Response>,
    );
    port = await listening;
    stopServer = async () => {
      await s.shutdown();
    };
  }
  return {
    handler,
    port,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    stop: async () => {
      await handler.close();
      await stopServer();
    },
  };
}
