// Bench-only baseline on Bun: upstream @tldraw/sync-core TLSocketRoom (tldraw licence; never
// imported from src/) behind Bun.serve, one room per id, evicted when empty.
// Usage: bun run bench/servers/upstream_server_bun.ts <port> [<sqlite dir>]
// With a directory, rooms are durable: one SQLite file each there, through bun:sqlite.
import { mkdirSync } from "node:fs";
import { getRoom, rooms, useSqlite } from "./upstream_rooms.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;
// deno-lint-ignore no-explicit-any
const argv: string[] = (globalThis as any).process.argv;
const port = Number(argv[2] ?? 8791);
const dir = argv[3];
if (dir) {
  mkdirSync(dir, { recursive: true });
  // A module name Deno's type check does not resolve: bun:sqlite exists on Bun only.
  const sqliteModule = "bun:sqlite";
  const { Database } = await import(sqliteModule);
  useSqlite(dir, (path) => new Database(path));
}

// Bun's ServerWebSocket has no addEventListener; TLSocketRoom only needs send/close/readyState.
interface Data {
  roomId: string;
  sessionId: string;
  // deno-lint-ignore no-explicit-any
  ws?: any;
}

Bun.serve({
  hostname: "127.0.0.1",
  port,
  fetch(req: Request, server: { upgrade(req: Request, o: { data: Data }): boolean }) {
    const url = new URL(req.url);
    if (url.pathname === "/health") return Response.json({ ok: true, rooms: rooms.size });
    const m = /^\/connect\/([^/]+)$/.exec(url.pathname);
    if (!m) return new Response("not found", { status: 404 });
    const sessionId = url.searchParams.get("sessionId") ?? crypto.randomUUID();
    if (server.upgrade(req, { data: { roomId: decodeURIComponent(m[1]!), sessionId } })) return;
    return new Response("upgrade failed", { status: 400 });
  },
  websocket: {
    // deno-lint-ignore no-explicit-any
    open(ws: any) {
      const d = ws.data as Data;
      // deno-lint-ignore no-explicit-any
      const socket: any = {
        get readyState() {
          return ws.readyState;
        },
        send: (m: string) => ws.send(m),
        close: (c?: number, r?: string) => ws.close(c, r),
      };
      d.ws = socket;
      getRoom(d.roomId).handleSocketConnect({ sessionId: d.sessionId, socket });
    },
    // deno-lint-ignore no-explicit-any
    message(ws: any, msg: string) {
      const d = ws.data as Data;
      rooms.get(d.roomId)?.handleSocketMessage(d.sessionId, msg);
    },
    // deno-lint-ignore no-explicit-any
    close(ws: any) {
      const d = ws.data as Data;
      rooms.get(d.roomId)?.handleSocketClose(d.sessionId);
    },
  },
});
