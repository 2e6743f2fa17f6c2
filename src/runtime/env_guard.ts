/**
 * `deno serve mod.ts` with no permission flags must still start. tldraw's packages read
 * `process.env.NODE_ENV` while being imported, which throws `NotCapable` on Deno when env access
 * is not granted. Only in that case, `process.env` reads answer `undefined` instead of throwing
 * (what an unset variable reads as). With env access granted, or on Bun, nothing changes.
 * Imported first by `mod.ts`, before any tldraw package.
 * @module
 */

interface DenoPermissions {
  permissions?: { querySync?(d: { name: "env" }): { state: string } };
}

const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
if (deno?.permissions?.querySync && proc?.env) {
  let granted = true;
  try {
    granted = deno.permissions.querySync({ name: "env" }).state === "granted";
  } catch {
    granted = false;
  }
  if (!granted) {
    const real = proc.env;
    const quiet = new Proxy({} as Record<string, string | undefined>, {
      get: (_t, key) => {
        try {
          return typeof key === "string" ? real[key] : undefined;
        } catch {
          return undefined;
        }
      },
      has: (_t, key) => {
        try {
          return key in real;
        } catch {
          return false;
        }
      },
    });
    try {
      Object.defineProperty(proc, "env", { value: quiet, configurable: true, writable: true });
    } catch {
      // Not patchable here: the import below fails with Deno's own permission message.
    }
  }
}
