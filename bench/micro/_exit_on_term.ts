// Start the upstream baseline server so that SIGTERM exits the process normally (and --cpu-prof
// writes its profile). Usage: deno run -A --cpu-prof bench/micro/_exit_on_term.ts <port>
//                          |  bun --cpu-prof run bench/micro/_exit_on_term.ts <port>
import process from "node:process";

process.on("SIGTERM", () => process.exit(0));
const bun = "Bun" in globalThis;
await import(bun ? "../servers/upstream_server_bun.ts" : "../servers/upstream_server.ts");
