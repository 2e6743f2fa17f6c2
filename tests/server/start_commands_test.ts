// The README's start commands, each spawned in its own process group: SIGTERM to the PID the user
// sees stops every process of the group, after the server's graceful shutdown ("stopped" line).
// Under Deno: `npm start` and `deno task start`; under Bun: `npm run start:bun` and
// `bun run mod.ts` on HOST=127.0.0.2 (HOST is honoured, the default 127.0.0.1 is not bound).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { freePort } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

/** `cmd args` in a new process group; resolves once /health answers on `host:port`. */
async function startInGroup(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  host: string,
  port: number,
): Promise<Started> {
  const child = spawn(cmd, args, {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, PORT: String(port), NO_COLOR: "1", RUST_BACKTRACE: "0" },
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://${host}:${port}/health`).then(
      async (r) => (await r.body?.cancel(), r.ok),
      () => false,
    );
    if (ok) return { child, output: () => out, exited };
    if (Date.now() > deadline || child.exitCode !== null) {
      killGroup(child.pid!, "SIGKILL");
      throw new Error(`${cmd} ${args.join(" ")} did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the top PID; true when the whole group is gone within 30 s (then SIGKILLs leftovers). */
async function stopTop(started: Started): Promise<boolean> {
  const pgid = started.child.pid!;
  started.child.kill("SIGTERM");
  await started.exited;
  const deadline = Date.now() + 30_000;
  while (groupAlive(pgid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const gone = !groupAlive(pgid);
  killGroup(pgid, "SIGKILL");
  return gone;
}

function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

async function checkCommand(cmd: string, args: string[], host = "127.0.0.1"): Promise<void> {
  const dir = tempDir();
  const port = await freePort();
  const env: Record<string, string> = { TLSYNC_DATA: dir.file("kv.sqlite3") };
  if (host !== "127.0.0.1") env["HOST"] = host;
  try {
    const started = await startInGroup(cmd, args, env, host, port);
    if (host !== "127.0.0.1") assert.ok(await refused("127.0.0.1", port), "not on 127.0.0.1");
    assert.equal(await stopTop(started), true, `every process stopped:\n${started.output()}`);
    assert.match(started.output(), /"event":"stopped","signal":"SIGTERM"/);
  } finally {
    dir.remove();
  }
}

describe("README start commands stop on SIGTERM to the top PID", {
  skip: process.platform === "win32" && "process groups are POSIX",
}, () => {
  if (isBun) {
    it("npm run start:bun", { timeout: 120_000 }, () => checkCommand(npm, ["run", "start:bun"]));
    it(
      "bun run mod.ts on HOST=127.0.0.2",
      { timeout: 60_000 },
      () => checkCommand(process.execPath, ["run", "mod.ts"], "127.0.0.2"),
    );
  } else {
    it("npm start", { timeout: 120_000 }, () => checkCommand(npm, ["start"]));
    it(
      "deno task start",
      { timeout: 60_000 },
      () => checkCommand(process.execPath, ["task", "start"]),
    );
  }
});
