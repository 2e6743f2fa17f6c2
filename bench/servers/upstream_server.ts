// Bench-only baseline: upstream @tldraw/sync-core TLSocketRoom (tldraw licence; never imported
// from src/) behind Deno.serve, one room per id, evicted when empty like the official template.
// Usage: deno run -A bench/servers/upstream_server.ts <port> [<sqlite dir>]
// With a directory, rooms are durable: one SQLite file each there, through node:sqlite.
import { DatabaseSync } from "node:sqlite";
import { getRoom, rooms, useSqlite } from "./upstream_rooms.ts";

const port = Number(Deno.args[0] ?? 8790);
const dir = Deno.args[1];
if (dir) {
  Deno.mkdirSync(dir, { recursive: true });
  useSqlite(dir, (path) => new DatabaseSync(path));
}

Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/health") return Response.json({ ok: true, rooms: rooms.size });
  const m = /^\/connect\/([^/]+)$/.exec(url.pathname);
  if (!m) return new Response("not found", { status: 404 });
  const { socket, response } = Deno.upgradeWebSocket(req);
  const sessionId = url.searchParams.get("sessionId") ?? crypto.randomUUID();
  const room = getRoom(decodeURIComponent(m[1]!));
  socket.addEventListener("open", () => room.handleSocketConnect({ sessionId, socket }));
  return response;
});
