/**
 * `deno serve mod.ts` with no permission flags asks one question per file, variable and address.
 * When mod.ts is the main module, some permission the server needs is not granted, and a person
 * is at the terminal, print one line (before any prompt) with the command that asks nothing.
 * Library users (mod.ts imported, not run) and Bun never see it.
 * @module
 */

/** The line printed; exported for the test. */
export const PERMISSION_HINT =
  "tlsync: to start without permission prompts, run `deno serve -P --host 127.0.0.1 mod.ts` " +
  "(the permission set in deno.json) or `deno task start`; or pass " +
  "--allow-net --allow-read --allow-write --allow-env\n";

const NEEDED = ["env", "read", "write", "net"] as const;

interface DenoLike {
  mainModule?: string;
  permissions?: { querySync?(d: { name: string }): { state: string } };
  stdin?: { isTerminal?(): boolean };
  stderr?: { writeSync(p: Uint8Array): number };
}

/** True when the hint applies: main module `mod`, a terminal, a needed permission missing. */
export function needsPermissionHint(deno: DenoLike | undefined, mod: string): boolean {
  if (!deno?.permissions?.querySync || deno.mainModule !== mod) return false;
  if (!deno.stdin?.isTerminal?.()) return false;
  return NEEDED.some((name) => {
    try {
      return deno.permissions!.querySync!({ name }).state !== "granted";
    } catch {
      return true;
    }
  });
}

const deno = (globalThis as { Deno?: DenoLike }).Deno;
if (needsPermissionHint(deno, new URL("../../../mod.ts", import.meta.url).href)) {
  deno!.stderr!.writeSync(new TextEncoder().encode(PERMISSION_HINT));
}
