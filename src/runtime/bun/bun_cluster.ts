/**
 * Bun on every core: `bun run src/runtime/bun/bun_cluster.ts [workers]` starts `workers`
 * (default: one per CPU, at most {@linkcode MAX_WORKERS}) `bun run mod.ts` processes on one port
 * (TLSYNC_REUSE_PORT=1: the kernel spreads connections) and one KV; each room is served by one
 * of them and the others forward their clients to it (cluster routing, on by default). SIGINT
 * and SIGTERM are passed on; when one worker exits the others are stopped and the launcher
 * exits with its status, so a supervisor restarts the whole set.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Most workers the launcher starts. */
export const MAX_WORKERS = 256;

/** The worker count asked for by `arg` (digits only, 1..MAX_WORKERS), or `null`. */
export function parseWorkers(arg: string | undefined, cpus: number): number | null {
  if (arg === undefined) return Math.max(1, Math.min(cpus, MAX_WORKERS));
  if (!/^[0-9]{1,4}$/.test(arg)) return null;
  const n = Number(arg);
  return n >= 1 && n <= MAX_WORKERS ? n : null;
}

function main(): void {
  const workers = parseWorkers(process.argv[2], availableParallelism());
  if (workers === null) {
    process.stderr.write(`tlsync: workers must be an integer from 1 to ${MAX_WORKERS}\n`);
    process.exit(2);
  }
  const mod = fileURLToPath(new URL("../../../mod.ts", import.meta.url));
  const env = { ...process.env, TLSYNC_REUSE_PORT: "1" };
  const children: ChildProcess[] = [];
  let stopping = false;
  let status: number | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill(signal);
  };
  for (let i = 0; i < workers; i++) {
    const child = spawn(process.execPath, ["run", mod], { env, stdio: "inherit" });
    children.push(child);
    child.once("exit", (code) => {
      status ??= stopping ? code ?? 0 : code || 1;
      if (!stopping) stop("SIGTERM");
      if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) {
        process.exit(status);
      }
    });
  }
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (import.meta.main) main();
