/**
 * Embed the sync server in a Deno app, with your own auth and Deno KV storage.
 *
 *   deno run --allow-net --allow-read --allow-write --allow-env examples/deno_serve.ts
 *
 * Connect a tldraw app with `useSync({ uri: "ws://127.0.0.1:8787/connect/my-room?token=secret" })`.
 */
import { createSyncHandler, openKvStorage } from "../mod.ts";

const sync = createSyncHandler({
  storage: await openKvStorage("./data/example.kv.sqlite3"),
  // Let anyone with ?token=secret write; everyone else may only watch.
  authorize: (req) => ({ readonly: new URL(req.url).searchParams.get("token") !== "secret" }),
});

const port = Number(Deno.env.get("PORT") ?? 8787);
Deno.serve({ hostname: "127.0.0.1", port }, (req, info) => {
  if (new URL(req.url).pathname === "/hello") return new Response("hello from my app\n");
  // Pass `info` on: per-address limits and logs use the client's address.
  return sync.fetch(req, info).then((res) => res ?? new Response(null, { status: 500 }));
});
Deno.addSignalListener("SIGINT", () => sync.close().then(() => Deno.exit(0)));
