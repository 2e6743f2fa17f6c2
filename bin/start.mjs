#!/usr/bin/env node
// `npm start` (Deno), `npm run start:bun` (Bun), `npm run example[:bun]`: runs the server as this process's only child,
// so the PID npm shows is one signal away from the server. `npx` and `sh -c` do not forward
// SIGTERM to their children; this launcher resolves the runtime binary once (through npx, which
// downloads it on first use), then spawns it directly, forwards SIGTERM/SIGINT/SIGHUP, and exits
// with the server's exit code. When its own parent dies (npm killed, `sh -c` gone), it stops the
// server the same way. HOST and PORT are read by the server (default 127.0.0.1:8787).
import { execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DENO = { pkg: "deno@2.9.6", probe: ["eval", "console.log(Deno.execPath())"] };
const BUN = { pkg: "bun@1.4.5", probe: ["-e", "console.log(process.execPath)"] };
const RUNTIMES = {
  deno: { ...DENO, args: ["run", "-P", "src/runtime/deno/serve_main.ts"] },
  bun: { ...BUN, args: ["run", "mod.ts"] },
  example: {
    ...DENO,
    args: ["run", "--allow-all", "--config", "deno.json", "examples/tldraw-app/serve.ts"],
  },
  "example:bun": { ...BUN, args: ["run", "examples/tldraw-app/serve.ts"] },
};

const runtime = RUNTIMES[process.argv[2]];
if (!runtime) {
  console.error(`usage: node bin/start.mjs ${Object.keys(RUNTIMES).join("|")}`);
  process.exit(2);
}

function resolveBinary() {
  const npx = process.platform === "win32" ? "npx.cmd" : "npx";
  const out = execFileSync(npx, ["-y", runtime.pkg, ...runtime.probe], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, RUST_BACKTRACE: "0", NO_COLOR: "1" },
    shell: process.platform === "win32",
  });
  return out.trim().split("\n").pop();
}

let binary;
try {
  binary = resolveBinary();
} catch (error) {
  console.error(`could not fetch ${runtime.pkg} with npx: ${error.message}`);
  process.exit(1);
}

const child = spawn(binary, [...runtime.args, ...process.argv.slice(3)], {
  cwd: ROOT,
  stdio: "inherit",
  env: { RUST_BACKTRACE: "0", ...process.env },
});

let forwarded = false;
function forward(signal) {
  forwarded = true;
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
  process.on(signal, () => forward(signal));
}

// Orphaned (the npm or shell above us is gone): stop the server as if SIGTERM had been sent.
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== parent && !forwarded) forward("SIGTERM");
}, 500);

child.on("error", (error) => {
  console.error(`could not start ${binary}: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  clearInterval(watch);
  process.exit(code ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1));
});
