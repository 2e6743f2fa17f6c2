// Audit F3 and F4, end to end: the real default server (`deno serve mod.ts` / `bun run mod.ts`,
// whichever runtime runs this test; under Deno also `deno task start`'s serve_main.ts) refuses to
// start on an Origin allow-list it cannot take, with one line naming the variable and no stack
// trace, and warns at startup about switches it does not understand and short operator tokens.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freePort, runToExit, startServerProcess } from "../helpers/server_process.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** Run `args` with `env` until the process exits (an in-memory KV, a free port). */
async function runUntilExit(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const port = await freePort();
  return runToExit(args, { ...env, TLSYNC_DATA: ":memory:", PORT: String(port) });
}

function serverArgs(port: number): string[][] {
  if (isBun) return [["run", "mod.ts"]];
  return [
    ["serve", "--host", "127.0.0.1", "--port", String(port), "--allow-all", "mod.ts"],
    ["run", "-P", "src/runtime/deno/serve_main.ts"],
  ];
}

function assertRefused(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(result.code, 0, result.stderr);
  const lines = result.stderr.split("\n").filter((l) => l.includes("TLSYNC_ALLOWED_ORIGINS"));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at |stack backtrace|TypeError/m, "no stack trace");
}

describe("environment values at startup", () => {
  for (const args of serverArgs(0)) {
    const command = args.join(" ").replace(/--port \d+ /, "");
    it(
      `${command}: a malformed allowed origin stops it with one line`,
      { timeout: 60_000 },
      async () => {
        const result = await runUntilExit(args, {
          TLSYNC_ALLOWED_ORIGINS: "https://ok.example,app.example.com",
        });

        assertRefused(
          result,
          /^tlsync: invalid TLSYNC_ALLOWED_ORIGINS: "app\.example\.com" is not an http\(s\) origin/,
        );
      },
    );

    it(
      `${command}: a list that names no origin stops it with one line`,
      { timeout: 60_000 },
      async () => {
        const result = await runUntilExit(args, { TLSYNC_ALLOWED_ORIGINS: " , " });

        assertRefused(result, /^tlsync: invalid TLSYNC_ALLOWED_ORIGINS: " , " names no origin/);
      },
    );
  }

  it(
    "a list over 8192 characters stops it with one line",
    { timeout: 60_000 },
    async () => {
      const port = await freePort();
      const raw = "https://x.example,".repeat(500) + "https://app.example.com";

      const result = await runUntilExit(serverArgs(port)[0]!, { TLSYNC_ALLOWED_ORIGINS: raw });

      assertRefused(result, /^tlsync: invalid TLSYNC_ALLOWED_ORIGINS: 9023 characters, over/);
    },
  );

  it(
    "unknown switch spellings and a short admin token are warned about, and it starts",
    { timeout: 60_000 },
    async () => {
      const server = await startServerProcess({
        TLSYNC_DATA: ":memory:",
        TLSYNC_TRUST_PROXY: "yess",
        TLSYNC_ADMIN_TOKEN: "short",
        TLSYNC_METRICS_TOKEN: "also-short",
      });
      try {
        const lines = server.output().split("\n").filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as Record<string, unknown>);

        const seen = lines.map((l) => [l["event"], l["name"]]);
        assert.deepEqual(
          seen.filter(([event]) => event === "env_invalid" || event === "token_too_short"),
          [
            ["env_invalid", "TLSYNC_TRUST_PROXY"],
            ["token_too_short", "TLSYNC_ADMIN_TOKEN"],
            ["token_too_short", "TLSYNC_METRICS_TOKEN"],
          ],
        );
        assert.doesNotMatch(server.output(), /also-short|"short"/);
      } finally {
        await server.kill();
      }
    },
  );
});
