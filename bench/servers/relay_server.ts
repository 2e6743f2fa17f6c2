// Bench-only ceiling: a bare WebSocket relay with no sync logic. It answers `connect` with a
// minimal reply and forwards every other frame to the other sockets of the same room.
// Usage: deno run -A bench/servers/relay_server.ts <port>
const port = Number(Deno.args[0] ?? 8791);
const rooms = new Map<string, Set<WebSocket>>();

Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/health") return Response.json({ ok: true });
  const m = /^\/connect\/([^/]+)$/.exec(url.pathname);
  if (!m) return new Response("not found", { status: 404 });
  const { socket, response } = Deno.upgradeWebSocket(req);
  const id = m[1]!;
  socket.onopen = () => {
    let set = rooms.get(id);
    if (!set) rooms.set(id, set = new Set());
    set.add(socket);
  };
  socket.onmessage = (e) => {
    const text = String(e.data);
    if (text.startsWith('{"type":"connect"')) {
      const req = JSON.parse(text);
      socket.send(
        JSON.stringify({
          type: "connect",
          hydrationType: "wipe_all",
          connectRequestId: req.connectRequestId,
          protocolVersion: 8,
          schema: req.schema,
          diff: {},
          serverClock: 0,
          isReadonly: false,
        }),
      );
      return;
    }
    if (text === '{"type":"ping"}') return socket.send('{"type":"pong"}');
    for (const peer of rooms.get(id) ?? []) {
      if (peer !== socket && peer.readyState === 1) peer.send(text);
    }
  };
  socket.onclose = () => {
    rooms.get(id)?.delete(socket);
    if (rooms.get(id)?.size === 0) rooms.delete(id);
  };
  return response;
});
