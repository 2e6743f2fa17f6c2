// Every core, the idiomatic way: `deno serve --parallel` with 2 workers (Deno) or the Bun
// launcher with 2 processes on one port. The kernel spreads a room's clients over the workers;
// none is refused, and every client's edit reaches every other client whichever worker it is on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tempDir } from "../helpers/temp_dir.ts";
import { ShapeClient } from "./_cluster_client.ts";
import { count, type ParallelServer, startParallel } from "./_parallel_server.ts";

const ROOM = "every-core";
/** Clients to connect before giving up on the kernel putting one on the second worker. */
const MAX_CLIENTS = 32;

describe("the default server on every core", () => {
  it("2 workers: a room split across them refuses no client and fans out every edit", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    let server: ParallelServer | null = null;
    const clients: ShapeClient[] = [];
    try {
      server = await startParallel(2, {
        TLSYNC_DATA: dir.file("kv.sqlite3"),
        TLSYNC_LOG_LEVEL: "info",
      });
      const s = server;
      // At least 8 clients, more until one landed on the worker that follows the room's writer
      // (it logs cluster_following): fresh TCP connections, spread by the kernel.
      for (let i = 0; i < MAX_CLIENTS; i++) {
        if (clients.length >= 8 && count(s.output(), "cluster_following") > 0) break;
        const client = new ShapeClient(`c${i}`, s.port);
        clients.push(client);
        await client.connect(ROOM);
      }
      assert.ok(count(s.output(), "cluster_following") > 0, "no client landed on a follower");
      const want = clients.map((c) => `shape:${c.name}`);
      for (const client of clients) client.push(`shape:${client.name}`);
      for (const client of clients) await client.waitForShapes(want, 30_000);
      for (const client of clients) assert.equal(client.acked.size, 1, `${client.name} acked`);
      assert.equal(count(s.output(), "room_load_failed"), 0, s.output());
      for (const client of clients) assert.equal(client.raw!.ws.readyState, WebSocket.OPEN);
    } finally {
      for (const client of clients) client.close();
      await server?.stop();
      dir.remove();
    }
  });
});
