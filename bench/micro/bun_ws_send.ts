// What one server-side WebSocket frame costs Bun's JS thread: ServerWebSocket.send per peer, the
// same inside cork(), and server.publish to a topic every peer subscribed to. A client process
// (bun) opens N sockets and reads; the server sends R rounds of one ~400-byte patch-like string
// to every peer, PER rounds per event-loop turn. Prints the server's CPU (user, sys) per frame.
// Usage: bun run bench/micro/bun_ws_send.ts <send|cork|publish> [clients=100] [rounds=2000]
//        (PER=1: one round per turn, like a server answering pushes; default 10)
// deno-lint-ignore-file no-explicit-any
const g = globalThis as any;
const [mode = "send", nArg = "100", rArg = "2000", client] = g.process.argv.slice(2);
const n = Number(nArg);
const rounds = Number(rArg);

if (mode === "--client") {
  let done = 0;
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${client}/`);
    let got = 0;
    ws.onmessage = () => {
      if (++got < rounds) return;
      ws.close();
      if (++done === n) g.process.exit(0);
    };
  }
} else {
  const per = Number(g.process.env.PER ?? 10);
  const peers: any[] = [];
  let allOpen: () => void = () => {};
  const opened = new Promise<void>((resolve) => (allOpen = resolve));
  const server = g.Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req: Request, s: any) => s.upgrade(req, { data: {} }) ? undefined : new Response(""),
    websocket: {
      open(ws: any) {
        ws.subscribe("room");
        if (peers.push(ws) === n) allOpen();
      },
      message() {},
    },
  });
  const self = new URL(import.meta.url).pathname;
  const args = [g.process.execPath, "run", self, "--client", nArg, rArg, String(server.port)];
  const child = g.Bun.spawn(args, { stdout: "inherit", stderr: "inherit" });
  await opened;
  const patch = JSON.stringify({
    type: "data",
    data: [{ type: "patch", diff: { "shape:a": ["patch", { x: ["put", 1.5] }] }, serverClock: 1 }],
  }) + " ".repeat(300);
  const c0 = g.process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    const frame = patch + r;
    if (mode === "publish") server.publish("room", frame);
    else if (mode === "cork") { for (const ws of peers) ws.cork(() => ws.send(frame)); }
    else for (const ws of peers) ws.send(frame);
    if (r % per === per - 1) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const c = g.process.cpuUsage(c0);
  await child.exited;
  const frames = n * rounds;
  const us = (v: number) => (v / frames).toFixed(2);
  console.log(
    JSON.stringify({
      mode,
      per,
      frames,
      usPerFrame: us(c.user + c.system),
      user: us(c.user),
      sys: us(c.system),
    }),
  );
  server.stop(true);
}
