// Test-only: run kv_interop_child.ts on this runtime or the other one (Deno 2.9.6 / Bun 1.4.5
// through npx), bounded; and the kill -9 variant that stops a child after some acks.
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const script = fileURLToPath(new URL("./kv_interop_child.ts", import.meta.url));
export const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

const DENO = ["run", "-A", "--unstable-kv", script];
const BUN = ["run", script];

/** Command and arguments to run the child on `runtime` ("self" = the runtime running the test). */
function command(runtime: "self" | "other"): [string, string[]] {
  if (runtime === "self") return [process.execPath, isBun ? BUN : DENO];
  return isBun ? ["npx", ["-y", "deno@2.9.6", ...DENO]] : ["npx", ["-y", "bun@1.4.5", ...BUN]];
}

/** Run the child to completion (killed after 60 s); its stdout, or an error with its stderr. */
export async function runChild(runtime: "self" | "other", args: string[]): Promise<string> {
  const [cmd, base] = command(runtime);
  const child = spawn(cmd, [...base, ...args], {
    cwd: root,
    env: { ...process.env, RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((r) => child.once("close", (c) => r(c)));
  clearTimeout(guard);
  if (code !== 0) throw new Error(`child ${args.join(" ")} exited ${code}: ${err.slice(0, 2000)}`);
  return out;
}

/**
 * Start the child in `acks` mode on this runtime, kill -9 it once it has printed `after` acks
 * (or when it exits by itself); the acks it printed.
 */
export async function killAfterAcks(path: string, after: number): Promise<number[]> {
  const [cmd, base] = command("self");
  const child = spawn(cmd, [...base, "acks", path, "sqlite", "100000"], {
    cwd: root,
    env: { ...process.env, RUST_BACKTRACE: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const acks: number[] = [];
  let buffered = "";
  child.stdout!.on("data", (d) => {
    buffered += d;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) acks.push(Number(line));
    if (acks.length >= after) child.kill("SIGKILL");
  });
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  await new Promise((r) => child.once("close", r));
  clearTimeout(guard);
  return acks;
}
