// The real default server (`deno serve mod.ts` / `bun run mod.ts`, whichever runtime runs this
// test) refuses to start on storage it cannot open, instead of keeping rooms in memory: it exits
// non-zero with one line naming the path, and leaves a corrupt file exactly as it was.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { openDefaultStore } from "../../src/app/default_store.ts";
import type { Logger } from "../../src/ports/logger.ts";
import { connectRaw, openRaw } from "../helpers/raw_client.ts";
import { serve } from "../helpers/serve.ts";
import { geoShape } from "../helpers/records.ts";
import { freePort, runToExit, startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** Run the server until it exits (bounded: it is killed after 30 s). */
async function runUntilExit(data: string): Promise<{ code: number | null; stderr: string }> {
  const port = await freePort();
  const args = isBun
    ? ["run", "mod.ts"]
    : ["serve", "--host", "127.0.0.1", "--port", String(port), "--allow-all", "mod.ts"];
  return runToExit(args, { TLSYNC_DATA: data, PORT: String(port) });
}

function assertOneLine(stderr: string, path: string): void {
  const lines = stderr.split("\n").filter((l) => l.includes(path));
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^tlsync: cannot open storage at ".*": .+; set TLSYNC_DATA=:memory:/);
  assert.doesNotMatch(stderr, /^\s+at |stack backtrace/m, "no stack trace");
}

describe("fail-closed storage at startup", () => {
  it(
    "TLSYNC_DATA naming a directory: exit non-zero with one line naming it",
    { timeout: 60_000 },
    async () => {
      const dir = tempDir();
      try {
        const data = dir.file("a-directory");
        mkdirSync(data);
        const { code, stderr } = await runUntilExit(data);
        assert.notEqual(code, 0);
        assertOneLine(stderr, data);
      } finally {
        dir.remove();
      }
    },
  );

  it(
    "a corrupt KV file: exit non-zero, one line, the file left untouched",
    { timeout: 60_000 },
    async () => {
      const dir = tempDir();
      try {
        const data = dir.file("kv.sqlite3");
        const junk = new TextEncoder().encode("not a database, do not overwrite me\n".repeat(500));
        writeFileSync(data, junk);
        const { code, stderr } = await runUntilExit(data);
        assert.notEqual(code, 0);
        assertOneLine(stderr, data);
        assert.deepEqual(new Uint8Array(readFileSync(data)), junk);
      } finally {
        dir.remove();
      }
    },
  );

  it(
    "a good file still starts, reports kv-file storage and persists",
    { timeout: 60_000 },
    async () => {
      const dir = tempDir();
      const server = await startServerProcess({ TLSYNC_DATA: dir.file("kv.sqlite3") });
      try {
        const health = await (await fetch(`http://127.0.0.1:${server.port}/health`)).json();
        assert.equal(health.storage, "kv-file");
        assert.equal(health.ok, true);
        const c = await connectRaw(`ws://127.0.0.1:${server.port}/connect/fine?sessionId=a`);
        c.send({ type: "push", clientClock: 1, diff: { "shape:f": ["put", geoShape("shape:f")] } });
        const result = await c.next((m) => m["type"] === "push_result", "push_result");
        assert.equal(result["action"], "commit");
        c.close();
      } finally {
        await server.kill("SIGTERM");
        dir.remove();
      }
    },
  );

  it("embedded (not the main module): stays up with /health 503 and refuses rooms with 1011", {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const errors: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (event, fields) => errors.push(`${event} ${JSON.stringify(fields)}`),
    };
    const data = dir.file("a-directory");
    mkdirSync(data);
    const store = openDefaultStore({
      path: data,
      cluster: false,
      leaseTtlMs: undefined,
      logger,
      exitOnStorageFailure: false,
    });
    const server = await serve({
      storage: store.storage,
      storageHealth: store.storageHealth,
      metrics: store.metrics,
      logger,
    });
    try {
      const c = await openRaw(`${server.ws}/connect/any?sessionId=a`);
      const closed = await c.closed;
      assert.equal(closed.code, 1011);
      const res = await fetch(`${server.http}/health`);
      assert.equal(res.status, 503);
      const body = await res.json();
      assert.equal(body.ok, false);
      assert.equal(body.storage, "kv-file");
      assert.ok(errors.some((e) => e.startsWith("storage_unavailable") && e.includes(data)));
    } finally {
      store.stop();
      await server.stop().catch(() => {});
      dir.remove();
    }
  });
});
