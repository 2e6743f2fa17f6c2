// Bench-only baseline: upstream @tldraw/sync-core TLSocketRoom (tldraw licence; never imported
// from src/) behind Deno.serve, one room per id, evicted when empty like the official template.
// Usage: deno run -A bench/servers/upstream_server.ts <port>
import { TLSocketRoom } from "@tldraw/sync-core";

const port = Number(Deno.args[0] ?? 8790);
const rooms = new Map<string, TLSocketRoom>();

function getRoom(id: string): TLSocketRoom {
  let room = rooms.get(id);
  if (!room || room.isClosed()) {
    room = new TLSocketRoom({
      log: undefined,
      onSessionRemoved(r, { numSessionsRemaining }) {
        if (numSessionsRemaining === 0) {
          r.close();
          rooms.delete(id);
        }
      },
    });
    rooms.set(id, room);
  }
  return room;
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
