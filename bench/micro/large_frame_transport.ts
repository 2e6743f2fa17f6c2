// The transport ceiling of the large-room workload: a bare WebSocket server (no sync logic) that
// answers every message with the same precomputed ~6 MB string, loaded by 1 and then 20
// concurrent clients. Server pinned to core 0, clients to core 1 (when taskset exists).
// Usage: deno run -A bench/micro/large_frame_transport.ts   (server: Deno; BUN=1 for Bun)

const body = () =>
  JSON.stringify({
    type: "connect",
    diff: Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [`shape:l${i}`, ["put", {
        id: `shape:l${i}`,
        typeName: "shape",
        x: i,
        props: { geo: "rectangle", w: 100, h: 100, pad: "x".repeat(400) },
      }]]),
    ),
  });

// deno-lint-ignore no-explicit-any
const args: string[] = (globalThis as any).Deno?.args ?? (globalThis as any).process.argv.slice(2);
if (args[0] === "--serve") {
  const frame = body();
  const port = Number(args[1]);
  // deno-lint-ignore no-explicit-any
  const Bun = (globalThis as any).Bun;
  if (Bun) {
    Bun.serve({
      hostname: "127.0.0.1",
      port,
      fetch: (req: Request, s: { upgrade(r: Request): boolean }) =>
        s.upgrade(req) ? undefined : new Response("ws only"),
      websocket: { message: (ws: { send(s: string): void }) => ws.send(frame) },
    });
  } else {
    Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.onmessage = () => socket.send(frame);
      return response;
    });
  }
} else {
  const { BUN, DENO, hasTaskset } = await import("../targets.ts");
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const runtime = Deno.env.get("BUN") ? [...BUN, "run"] : [...DENO, "run", "-A"];
  const argv = [...(hasTaskset ? ["taskset", "-c", "0"] : []), ...runtime];
  const path = new URL(import.meta.url).pathname;
  const child = new Deno.Command(argv[0]!, {
    args: [...argv.slice(1), path, "--serve", String(port)],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  if (hasTaskset) {
    await new Deno.Command("taskset", { args: ["-cp", "1", String(Deno.pid)], stdout: "null" })
      .output();
  }
  await new Promise((r) => setTimeout(r, 1500));
  const load = async (n: number) => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, () =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
        ws.onopen = () => ws.send("hi");
        ws.onerror = () => reject(new Error("ws error"));
        ws.onmessage = (e) => {
          if (String(e.data).length > 1000) (ws.close(), resolve());
        };
      })));
    return Math.round(performance.now() - t0);
  };
  const one = await load(1);
  const twenty = await load(20);
  console.log(
    `bare ${Deno.env.get("BUN") ? "Bun" : "Deno"} server, ~6 MB frame: 1 client ${one} ms, ` +
      `20 concurrent ${twenty} ms`,
  );
  child.kill("SIGKILL");
  await child.status;
  Deno.exit(0);
}
