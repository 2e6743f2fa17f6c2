/**
 * `deno task start` (and `npm start`): the default server of mod.ts on `HOST`/`PORT` (default
 * 127.0.0.1:8787), the same variables `bun run mod.ts` reads. Graceful shutdown on SIGTERM/SIGINT
 * comes with the default server. Like `deno serve mod.ts`, it is the server process: storage that
 * cannot be opened or an environment value it refuses (`EnvError`) ends it with one line at
 * startup. Each request's peer address is passed on, so the per-address limits apply. Run with
 * the permission set of deno.json: `deno run -P src/runtime/deno/serve_main.ts`.
 * @module
 */
// First, as in mod.ts: tldraw's packages read process.env while being imported.
import "../env_guard.ts";
import { createDefaultServer } from "../../app/default_server.ts";
import { listenAddress } from "../../app/listen_address.ts";

let address;
try {
  address = listenAddress();
} catch (error) {
  // deno-lint-ignore no-console
  console.error(`error: ${(error as Error).message}`);
  Deno.exit(2);
}
const server = createDefaultServer({ exitOnStorageFailure: true });
Deno.serve(
  address,
  async (req, info) => (await server.fetch(req, info)) ?? new Response(null, { status: 500 }),
);
