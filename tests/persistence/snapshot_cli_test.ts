// Backup and restore through the snapshot CLI, against a real KV file.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

function cli(
  args: string[],
  data: string,
): { status: number | null; stdout: string; stderr: string } {
  const runArgs = isBun
    ? ["run", "src/runtime/cli/snapshot_cli.ts", ...args]
    : ["run", "--allow-all", "src/runtime/cli/snapshot_cli.ts", ...args];
  const r = spawnSync(process.execPath, runArgs, {
    cwd: root,
    env: { ...process.env, TLSYNC_DATA: data },
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("snapshot CLI", () => {
  it("imports a snapshot into a room, lists it, and exports the same documents", {
    timeout: 60_000,
  }, () => {
    const dir = tempDir();
    const data = dir.file("kv.sqlite3");
    const input = dir.file("in.json");
    const output = dir.file("out.json");
    const snapshot = {
      documentClock: 3,
      schema: serverSchema,
      documents: [
        {
          state: {
            id: "document:document",
            typeName: "document",
            gridSize: 10,
            name: "",
            meta: {},
          },
          lastChangedClock: 0,
        },
        {
          state: { id: "page:page", typeName: "page", name: "Page 1", index: "a1", meta: {} },
          lastChangedClock: 0,
        },
        { state: geoShape("shape:backup", 5, 6), lastChangedClock: 3 },
      ],
    };
    writeFileSync(input, JSON.stringify(snapshot));

    const imported = cli(["import", "restore-me", input], data);
    const listed = cli(["list"], data);
    const exported = cli(["export", "restore-me", output], data);

    assert.equal(imported.status, 0, imported.stderr);
    assert.equal(listed.stdout.trim(), "restore-me");
    assert.equal(exported.status, 0, exported.stderr);
    const out = JSON.parse(readFileSync(output, "utf8"));
    assert.deepEqual(out.documents.map((d: { state: { id: string } }) => d.state.id).sort(), [
      "document:document",
      "page:page",
      "shape:backup",
    ]);
    dir.remove();
  });
});

function cliAsync(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const runArgs = isBun
    ? ["run", "src/runtime/cli/snapshot_cli.ts", ...args]
    : ["run", "--allow-all", "src/runtime/cli/snapshot_cli.ts", ...args];
  const child = spawn(process.execPath, runArgs, { cwd: root, env: { ...process.env, ...env } });
  let stdout = "", stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) =>
    child.once("close", (status) => resolve({ status, stdout, stderr }))
  );
}

/** One `error:` line and no stack trace. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

describe("snapshot CLI errors", () => {
  it("usage, unknown room, unreadable import: non-zero status and one line", {
    timeout: 60_000,
  }, () => {
    const dir = tempDir();
    const data = dir.file("kv.sqlite3");
    const out = dir.file("out.json");
    try {
      const usage = cli(["export"], data);
      assert.equal(usage.status, 2);
      assertOneLine(usage.stderr, /^usage: snapshot list/);

      const unknown = cli(["export", "no-such-room", out], data);
      assert.equal(unknown.status, 1);
      assertOneLine(unknown.stderr, /^error: no room "no-such-room" in /);
      assert.equal(existsSync(out), false, "no empty snapshot written");

      const bad = dir.file("bad.json");
      writeFileSync(bad, "{not json");
      const notJson = cli(["import", "r", bad], data);
      assert.equal(notJson.status, 1);
      assertOneLine(notJson.stderr, /^error: cannot read .*bad\.json as a JSON snapshot/);

      writeFileSync(bad, '{"rooms":[]}');
      const notSnapshot = cli(["import", "r", bad], data);
      assert.equal(notSnapshot.status, 1);
      assertOneLine(notSnapshot.stderr, /is not a room snapshot/);
    } finally {
      dir.remove();
    }
  });

  it("a room held by a running server: status 3 and one line saying what to do", {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const data = dir.file("kv.sqlite3");
    const server = await startServerProcess({ TLSYNC_DATA: data });
    let client: RawClient | undefined;
    try {
      client = await connectRaw(`ws://127.0.0.1:${server.port}/connect/busy?sessionId=a`);
      client.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:busy": ["put", geoShape("shape:busy")] },
      });
      await client.next((m) => m["type"] === "push_result", "push result");
      const r = await cliAsync(["export", "busy"], { TLSYNC_DATA: data, TLSYNC_LEASE_MS: "1000" });
      assert.equal(r.status, 3, r.stderr);
      assertOneLine(r.stderr, /^error: room "busy" is open in a running server.*Stop the server/);
      assert.equal(r.stdout, "");
    } finally {
      client?.close();
      await server.kill("SIGTERM");
      dir.remove();
    }
  });
});
