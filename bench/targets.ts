// Start and stop the servers under test, pinned to core 0 when taskset exists.
import { existsSync } from "node:fs";

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
export const DENO = which("deno") ? ["deno"] : ["npx", "-y", "deno@2.9.6"];
export const BUN = which("bun") ? ["bun"] : ["npx", "-y", "bun@1.4.5"];

async function freePort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export async function startTarget(spec: TargetSpec): Promise<Target> {
  const port = await freePort();
  const argv = [...(hasTaskset ? ["taskset", "-c", "0"] : []), ...spec.cmd(port)];
  const child = new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    cwd: root,
    env: {
      ...spec.env,
      PORT: String(port),
      TLSYNC_LOG_LEVEL: "error",
      NO_COLOR: "1",
      RUST_BACKTRACE: "0",
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // starting
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${spec.name} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = serverPid(child.pid);
  return {
    name: spec.name,
    port,
    pid,
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // gone
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // gone
        }
      }, 5000);
      await child.status;
      clearTimeout(timer);
    },
  };
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
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
    const ticks = Number(stat[11]) + Number(stat[12]);
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    return { cpu: ticks / 100, rssMiB: rss };
  } catch {
    return { cpu: NaN, rssMiB: NaN };
  }
}
