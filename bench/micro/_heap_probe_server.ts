// A server that writes its JS heap to $HEAP_PROBE_FILE on SIGUSR2 (after a full GC), for
// connection_memory.ts.
// Usage: [HEAP_PROBE_TARGET=upstream] deno run -A --v8-flags=--expose-gc \
//          bench/micro/_heap_probe_server.ts <port>
import v8 from "node:v8";

const port = Deno.args[0];
Deno.addSignalListener("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  const s = v8.getHeapStatistics();
  const line = {
    heapUsed: s.used_heap_size,
    heapTotal: s.total_heap_size,
    rss: Deno.memoryUsage().rss,
  };
  Deno.writeTextFileSync(Deno.env.get("HEAP_PROBE_FILE")!, JSON.stringify(line));
});
if (Deno.env.get("HEAP_PROBE_TARGET") === "upstream") {
  await import("../servers/upstream_server.ts"); // in memory, on Deno.args[0]
} else {
  const { default: server } = await import("../../mod.ts");
  // On Deno the handler always answers with a Response (`undefined` is Bun's upgrade).
  const handler = (req: Request) => server.fetch(req) as Promise<Response>;
  Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen() {} }, handler);
}
