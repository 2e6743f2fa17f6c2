// The zero-configuration server exactly as users start it (`deno serve mod.ts` under Deno,
// `bun run mod.ts` under Bun), with the official tldraw sync client, across a restart.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createShapeId, type TLRecord } from "@tldraw/tlschema";
import { connectWsClient, type WsClient } from "../helpers/official_ws_client.ts";
import { openRaw } from "../helpers/raw_client.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { freePort, startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("mod.ts as a server process", () => {
  it("official clients sync through it, and the room survives a restart", {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const env = { TLSYNC_DATA: dir.file("kv.sqlite3") };
    const clients: WsClient[] = [];
    let server = await startServerProcess(env);
    try {
      const uri = `ws://127.0.0.1:${server.port}/connect/process-room`;
      const a = connectWsClient(uri, "a");
      const b = connectWsClient(uri, "b");
      clients.push(a, b);
      await Promise.all([a.loaded, b.loaded]);
      const id = createShapeId("fromA");
      a.store.put([geoShape(id, 10, 20) as TLRecord]);
      await until("b sees a's shape", () => b.store.has(id));
      b.store.put([{ ...b.store.get(id)!, x: 99 } as TLRecord]);
      await until(
        "a sees b's move",
        () => (a.store.get(id) as { x: number } | undefined)?.x === 99,
      );
      // Wait until the server has acknowledged b's edit before stopping it.
      await until("b has nothing unacknowledged", () => !b.client.pendingPushRequests?.length);
      for (const c of clients.splice(0)) c.close();

      await server.kill("SIGTERM");
      server = await startServerProcess(env);
      const c = connectWsClient(`ws://127.0.0.1:${server.port}/connect/process-room`, "c");
      clients.push(c);
      await c.loaded;
      assert.equal((c.store.get(id) as { x: number } | undefined)?.x, 99);
      assert.deepEqual(c.errors, []);
    } finally {
      for (const c of clients) c.close();
      await server.kill("SIGTERM");
      dir.remove();
    }
  });

  it("starts and syncs with no permission flags (deno serve mod.ts), keeping rooms in memory", {
    timeout: 60_000,
    skip: typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" && "Bun has no permissions",
  }, async () => {
    // Deno.Command, not node:child_process: Deno hands its own permissions to a `deno` child
    // spawned through node:child_process, which would defeat the point.
    // deno-lint-ignore no-explicit-any
    const Deno = (globalThis as any).Deno;
    const port = await freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["serve", "--host", "127.0.0.1", "--port", String(port), "mod.ts"],
      cwd: new URL("../../", import.meta.url).pathname,
      env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
          async (r) => (await r.body?.cancel(), r.ok),
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline) throw new Error("bare deno serve did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
      const client = await openRaw(`ws://127.0.0.1:${port}/connect/bare?sessionId=a`);
      client.send({
        type: "connect",
        connectRequestId: "c",
        lastServerClock: -1,
        protocolVersion: 8,
        schema: serverSchema,
      });
      const reply = await client.next((m) => m["type"] === "connect", "connect reply", 10_000);
      assert.equal(reply["hydrationType"], "wipe_all");
      client.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:bare": ["put", geoShape("shape:bare")] },
      });
      const result = await client.next((m) => m["type"] === "push_result", "push result");
      assert.equal(result["action"], "commit");
      client.close();
    } finally {
      child.kill("SIGTERM");
      await child.status;
    }
    const [stdout, stderr] = await output;
    assert.match(stdout + stderr, /storage_unavailable/, "it says why rooms are not persisted");
  });
});
