/**
 * `deno task start`: the default server of mod.ts on `HOST`/`PORT` (default 127.0.0.1:8787), the
 * same variables `bun run mod.ts` reads. Graceful shutdown on SIGTERM/SIGINT comes with the
 * default server. Run with the permission set of deno.json: `deno run -P src/runtime/deno/serve_main.ts`.
 * @module
 */
import server from "../../../mod.ts";
import { listenAddress } from "../../app/listen_address.ts";

let address;
try {
  address = listenAddress();
} catch (error) {
  // deno-lint-ignore no-console
  console.error(`error: ${(error as Error).message}`);
  Deno.exit(2);
}
Deno.serve(
  address,
  async (req) => (await server.fetch(req)) ?? new Response(null, { status: 500 }),
);
