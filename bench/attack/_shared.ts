// Shared by the attack benches: start a server (real runtime binary, own process group, temp
// data dir, free port on 127.0.0.1), read its RSS, percentiles, and small formatting helpers.

export type Runtime = "deno" | "bun";

export interface Server {
  runtime: Runtime;
  port: number;
  pid: number;
  base: string;
  ws: string;
  /** Still running? */
  alive(): boolean;
  stop(): Promise<void>;
}

export const root: string = new URL("../../", import.meta.url).pathname;
const binaries = new Map<Runtime, string>();

/** The runtime's real executable (no npx wrapper in between, so the child pid is the server). */
export async function binary(runtime: Runtime): Promise<string> {
  const known = binaries.get(runtime);
  if (known) return known;
  const args = runtime === "deno"
    ? ["-y", "deno@2.9.6", "eval", "console.log(Deno.execPath())"]
    : ["-y", "bun@1.4.5", "-e", "console.log(process.execPath)"];
  const out = await new Deno.Command("npx", { args, stdout: "piped", stderr: "null" }).output();
  const path = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
  if (!out.success || !path) throw new Error(`cannot find the ${runtime} binary`);
  binaries.set(runtime, path);
  return path;
}

/** A child in its own process group (`setsid`), so one signal stops it and all its children. */
export function spawnGroup(argv: string[], env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command("setsid", {
    args: argv,
    cwd: root,
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** SIGKILL the process group of `child` (its pid is the group id under setsid). */
export function killGroup(child: Deno.ChildProcess): void {
  try {
    Deno.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export async function freePort(): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Keep the last `max` characters of a stream (server logs, for error messages). */
function tail(stream: ReadableStream<Uint8Array>, max = 4000): () => string {
  let text = "";
  (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text = (text + decoder.decode(chunk)).slice(-max);
  })().catch(() => {});
  return () => text;
}

/**
 * Start `mod.ts` (or `script`, which must serve on env PORT) under `runtime` with a fresh data
 * dir (or `keepDataIn`, left in place on stop); resolves once `/health` answers 200.
 */
export async function startServer(
  runtime: Runtime,
  env: Record<string, string> = {},
  script?: string,
  keepDataIn?: string,
): Promise<Server> {
  const port = await freePort();
  const dataDir = keepDataIn ?? Deno.makeTempDirSync({ prefix: "tlsync-attack-" });
  const bin = await binary(runtime);
  const argv = runtime === "deno"
    ? script
      ? [bin, "run", "--allow-all", script]
      : [bin, "serve", "--host", "127.0.0.1", "--port", String(port), "--allow-all", "mod.ts"]
    : [bin, "run", script ?? "mod.ts"];
  const child = spawnGroup(argv, {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    HOST: "127.0.0.1",
    PORT: String(port),
    TLSYNC_DATA: `${dataDir}/tlsync.kv`,
    TLSYNC_LOG_LEVEL: "error",
    ...env,
  });
  const logs = tail(child.stderr);
  tail(child.stdout);
  let exited = false;
  const status = child.status.finally(() => (exited = true));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      killGroup(child);
      await status;
      if (!keepDataIn) Deno.removeSync(dataDir, { recursive: true });
    })();
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // starting
    }
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`${runtime} server did not start: ${logs()}`);
    }
    await sleep(100);
  }
  return {
    runtime,
    port,
    pid: child.pid,
    base,
    ws: `ws://127.0.0.1:${port}`,
    alive: () => !exited,
    stop,
  };
}

/** Resident memory of a pid in MiB (NaN when it is gone). */
export function rssMiB(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The `p`-th percentile (0–100) of `values`, or NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

/** Runtimes picked by ATTACK_RUNTIMES (default both). */
export function runtimes(): Runtime[] {
  const list = (Deno.env.get("ATTACK_RUNTIMES") ?? "deno,bun").split(",").map((s) => s.trim());
  return list.filter((r): r is Runtime => r === "deno" || r === "bun");
}

export function loadavg(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").trim();
  } catch {
    return "?";
  }
}

/** Count occurrences (a tiny histogram of outcomes). */
export function tally(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}
