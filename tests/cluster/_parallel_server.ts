// Test-only: the default server on every core, as a user starts it: `deno serve --parallel`
// (DENO_JOBS workers in one process) or, under Bun, the `bun_cluster.ts` launcher (that many
// `bun run mod.ts` processes on one port). Spawned in its own process group, killed as a group.
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { freePort } from "../helpers/server_process.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

export interface ParallelServer {
  port: number;
  child: ChildProcess;
  output(): string;
  /** SIGKILL the whole process group; resolves once the leader exited. */
  stop(): Promise<void>;
}

/** Start `workers` workers sharing one port and `env`; resolves once /health answers. */
export async function startParallel(
  workers: number,
  env: Record<string, string>,
): Promise<ParallelServer> {
  const port = await freePort();
  const args = isBun
    ? ["run", "src/runtime/bun/bun_cluster.ts", String(workers)]
    : ["serve", "--parallel", "-A", "--host", "127.0.0.1", "--port", String(port), "mod.ts"];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      DENO_JOBS: String(workers),
      NO_COLOR: "1",
      RUST_BACKTRACE: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async (): Promise<void> => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
  };
  const deadline = Date.now() + 30_000;
  // Every worker logs server_started once it listens (mod.ts opens storage at start).
  while (count(out, "server_started") < workers) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`Server did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitForHealth(port, deadline, () => out);
  return { port, child, output: () => out, stop };
}

/** Occurrences of `needle` in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

async function waitForHealth(
  port: number,
  deadline: number,
  output: () => string,
): Promise<void> {
  let last = "no answer";
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
      if (res.ok) return;
    } catch (error) {
      last = String(error).slice(0, 300); // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `no /health answer (last: ${last}); server output:\n${output().slice(-4000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
