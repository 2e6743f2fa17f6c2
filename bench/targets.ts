// Start and stop the servers under test, pinned to core 0 when taskset exists. Each server runs
// in its own process group, killed as a group on stop (and by stopAllTargets on exit or a
// signal), so no server outlives the bench, even through a wrapper such as npx.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { cpuSecondsFromStat } from "./load/cpu_per_push.ts";

export interface Target {
  name: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface TargetSpec {
  name: string;
  cmd: (port: number) => string[];
  env?: Record<string, string>;
}

const root = new URL("../", import.meta.url).pathname;
export const hasTaskset = existsSync("/usr/bin/taskset");

function which(bin: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((d) => existsSync(`${d}/${bin}`));
}
/** The runtime binary itself (not an npx wrapper): what is measured is the server process. */
function resolveBinary(bin: string, pkg: string, probe: string[]): string[] {
  if (which(bin)) return [bin];
  try {
    const out = execFileSync("npx", ["-y", pkg, ...probe], { encoding: "utf8" });
    return [out.trim().split("\n").pop()!];
  } catch {
    return ["npx", "-y", pkg];
  }
}
export const DENO = [Deno.execPath()];
export const BUN = resolveBinary("bun", "bun@1.4.5", ["-e", "console.log(process.execPath)"]);

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone
  }
}

function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the server's process group; SIGKILL whatever is left after `graceMs`. */
async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  killGroup(child, "SIGTERM");
  const deadline = Date.now() + graceMs;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  // The leader stays in the group (a zombie) until reaped: wait for its exit, then the rest.
  while ((!exited() || groupAlive(child)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  killGroup(child, "SIGKILL");
  live.delete(child);
}

/** Stop every server still running (on exit, on failure, on SIGINT/SIGTERM). */
export async function stopAllTargets(): Promise<void> {
  await Promise.all([...live].map((child) => stopGroup(child, 2000)));
}

async function freePort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export async function startTarget(spec: TargetSpec): Promise<Target> {
  const port = await freePort();
  const argv = [...(hasTaskset ? ["taskset", "-c", "0"] : []), ...spec.cmd(port)];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: root,
    detached: true, // its own process group
    env: {
      ...process.env,
      ...spec.env,
      PORT: String(port),
      TLSYNC_LOG_LEVEL: "error",
      NO_COLOR: "1",
      RUST_BACKTRACE: "0",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  live.add(child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // starting
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stopGroup(child, 0);
      throw new Error(`${spec.name} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name: spec.name, port, pid: serverPid(child.pid!), stop: () => stopGroup(child) };
}

/** The pid to measure: the child itself, or its only child when started through a wrapper. */
function serverPid(pid: number): number {
  for (let depth = 0; depth < 3; depth++) {
    try {
      const children = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(
        /\s+/,
      ).filter(Boolean);
      if (children.length !== 1) return pid;
      pid = Number(children[0]);
    } catch {
      return pid;
    }
  }
  return pid;
}

/** CPU seconds used and resident memory (MiB) of a pid. */
export function procStats(pid: number): { cpu: number; rssMiB: number } {
  try {
    const cpu = cpuSecondsFromStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    return { cpu, rssMiB: rss };
  } catch {
    return { cpu: NaN, rssMiB: NaN };
  }
}
