/**
 * Embed the sync server in a Bun app, rooms in a local Deno KV file (through `bun:sqlite`).
 *
 *   bun run examples/bun_serve.ts
 */
import { createSyncHandler, openKvStorage } from "../mod.ts";

const sync = createSyncHandler({
  storage: await openKvStorage("./data/example-bun.kv.sqlite3"),
  authorize: (req) =>
    req.headers.get("origin") === "https://evil.example" ? { refuse: "FORBIDDEN" } : true,
});

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 8787),
  fetch: sync.fetch,
  websocket: sync.websocket,
});
console.log(`sync server on ws://127.0.0.1:${server.port}/connect/<room>`);
process.on("SIGINT", () => sync.close().then(() => process.exit(0)));
