// History with real server processes and the snapshot CLI: restore points survive kill -9, the
// CLI prints them (`<clock>\t<ISO time>\t<records>`, oldest first) and restores as a new commit,
// and both commands refuse a room a running server holds.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const TOKEN = "history-test-token";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cliArgs(args: string[]): string[] {
  return isBun
    ? ["run", "src/runtime/cli/snapshot_cli.ts", ...args]
    : ["run", "--allow-all", "src/runtime/cli/snapshot_cli.ts", ...args];
}

function cli(args: string[], data: string): Run {
  const r = spawnSync(process.execPath, cliArgs(args), {
    cwd: root,
    env: { ...process.env, TLSYNC_DATA: data },
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliAsync(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, cliArgs(args), {
    cwd: root,
    env: { ...process.env, ...env },
  });
  let stdout = "", stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) =>
    child.once("close", (status) => resolve({ status, stdout, stderr }))
  );
}

async function adminGet(port: number, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200, path);
  return await res.json();
}

async function push(c: RawClient, clientClock: number, diff: unknown): Promise<number> {
  c.send({ type: "push", clientClock, diff });
  const r = await c.next((m) => m["type"] === "push_result" && m["clientClock"] === clientClock);
  return r["serverClock"] as number;
}

function ids(snapshot: Record<string, unknown>): string[] {
  return (snapshot["documents"] as { state: { id: string } }[]).map((d) => d.state.id).sort();
}

describe("history across processes", () => {
  it("restore points survive kill -9; the CLI lists them and restores as a new commit", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const data = dir.file("kv.sqlite3");
    const env = { TLSYNC_DATA: data, TLSYNC_LEASE_MS: "1500", TLSYNC_ADMIN_TOKEN: TOKEN };
    const first = await startServerProcess(env);
    const acked = new Map<number, string>();
    try {
      const w = await connectRaw(`ws://127.0.0.1:${first.port}/connect/hist?sessionId=w`);
      for (let i = 1; i <= 20; i++) {
        acked.set(
          await push(w, i, { [`shape:s${i}`]: ["put", geoShape(`shape:s${i}`, i)] }),
          `shape:s${i}`,
        );
      }
      await first.kill("SIGKILL");
    } finally {
      await first.kill("SIGKILL");
    }
    const second = await startServerProcess(env);
    const clocks = [...acked.keys()];
    try {
      const list = await adminGet(second.port, "/admin/rooms/hist/history");
      const listed = (list["points"] as { clock: number }[]).map((p) => p.clock);
      for (const c of clocks) assert.ok(listed.includes(c), `acked clock ${c} listed`);
      const mid = clocks[9]!;
      const at = await adminGet(second.port, `/admin/rooms/hist/history/${mid}`);
      assert.ok(ids(at).includes("shape:s10") && !ids(at).includes("shape:s11"));
    } finally {
      await second.kill("SIGTERM");
    }
    const history = cli(["history", "hist"], data);
    assert.equal(history.status, 0, history.stderr);
    const lines = history.stdout.trim().split("\n").map((l) => l.split("\t"));
    for (const [clock, time, records] of lines) {
      assert.match(clock!, /^\d+$/);
      assert.equal(new Date(time!).toISOString(), time);
      assert.match(records!, /^\d+$/);
    }
    const printed = lines.map((l) => Number(l[0]));
    assert.deepEqual(printed, [...printed].sort((a, b) => a - b), "oldest first");
    for (const c of clocks) assert.ok(printed.includes(c));
    const target = clocks[4]!;
    const restored = cli(["restore", "hist", "--at", String(target)], data);
    assert.equal(restored.status, 0, restored.stderr);
    const newClock = Number(restored.stdout.trim());
    assert.ok(newClock > clocks.at(-1)!, restored.stdout);
    const after = cli(["history", "hist"], data).stdout.trim().split("\n");
    assert.equal(Number(after.at(-1)!.split("\t")[0]), newClock);
    const exported = JSON.parse(cli(["export", "hist"], data).stdout);
    assert.deepEqual(ids(exported), [
      "document:document",
      "page:page",
      "shape:s1",
      "shape:s2",
      "shape:s3",
      "shape:s4",
      "shape:s5",
    ]);
    // Undo by time: the point just before the restore.
    const undoLine = after.at(-2)!.split("\t");
    const undo = cli(["restore", "hist", "--at", undoLine[1]!], data);
    assert.equal(undo.status, 0, undo.stderr);
    assert.equal(ids(JSON.parse(cli(["export", "hist"], data).stdout)).length, 22);
    for (
      const [args, status] of [
        [["restore", "hist", "--at", "yesterday"], 2],
        [["restore", "hist"], 2],
        [["restore", "hist", "--at", "999999"], 1],
        [["restore", "hist", "--at", "2001-01-01T00:00:00Z"], 1],
        [["history", "nope"], 1],
      ] as const
    ) {
      const r = cli([...args], data);
      assert.equal(r.status, status, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    dir.remove();
  });

  it("history and restore refuse a room a running server holds: status 3, one line", {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const data = dir.file("kv.sqlite3");
    const server = await startServerProcess({ TLSYNC_DATA: data });
    let client: RawClient | undefined;
    try {
      client = await connectRaw(`ws://127.0.0.1:${server.port}/connect/busy?sessionId=a`);
      const clock = await push(client, 1, { "shape:b": ["put", geoShape("shape:b")] });
      const env = { TLSYNC_DATA: data, TLSYNC_LEASE_MS: "1000" };
      for (const args of [["history", "busy"], ["restore", "busy", "--at", String(clock)]]) {
        const r = await cliAsync(args, env);
        assert.equal(r.status, 3, r.stderr);
        assert.match(r.stderr.trim(), /^error: room "busy" is open in a running server/);
        assert.equal(r.stdout, "");
      }
    } finally {
      client?.close();
      await server.kill("SIGTERM");
      dir.remove();
    }
  });
});
