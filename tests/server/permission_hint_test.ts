import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { needsPermissionHint } from "../../src/runtime/deno/permission_hint.ts";

const MOD = "file:///app/mod.ts";

function fakeDeno(opts: { main?: string; tty?: boolean; denied?: string[] }) {
  return {
    mainModule: opts.main ?? MOD,
    stdin: { isTerminal: () => opts.tty ?? true },
    permissions: {
      querySync: ({ name }: { name: string }) => ({
        state: opts.denied?.includes(name) ? "prompt" : "granted",
      }),
    },
  };
}

describe("deno serve mod.ts permission hint", () => {
  it("is printed when mod.ts runs at a terminal without a needed permission", () => {
    assert.equal(needsPermissionHint(fakeDeno({ denied: ["write"] }), MOD), true);
    assert.equal(needsPermissionHint(fakeDeno({ denied: ["env", "net"] }), MOD), true);
  });

  it("is not printed with every permission, without a terminal, for importers, or on Bun", () => {
    assert.equal(needsPermissionHint(fakeDeno({}), MOD), false);
    assert.equal(needsPermissionHint(fakeDeno({ tty: false, denied: ["read"] }), MOD), false);
    assert.equal(
      needsPermissionHint(fakeDeno({ main: "file:///app/server.ts", denied: ["read"] }), MOD),
      false,
    );
    assert.equal(needsPermissionHint(undefined, MOD), false);
  });
});
