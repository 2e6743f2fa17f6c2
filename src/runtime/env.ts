/**
 * Read an environment variable on Deno or Bun; `undefined` when absent or not permitted.
 * @module
 */

/** The value of `name`, if readable. */
export function readEnv(name: string): string | undefined {
  const g = globalThis as {
    Deno?: { env: { get(name: string): string | undefined } };
    process?: { env: Record<string, string | undefined> };
  };
  try {
    if (g.Deno) return g.Deno.env.get(name);
    return g.process?.env[name];
  } catch {
    // Deno without --allow-env: behave as if unset.
    return undefined;
  }
}
