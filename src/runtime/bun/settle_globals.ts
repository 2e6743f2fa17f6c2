/**
 * Read every global once, under Bun, before the server runs hot.
 *
 * Bun makes many globals lazily (`Buffer`, `crypto`, `Headers`, `TextDecoder`, `Math`…): the
 * first read of one turns it into a real property of the global object. That changes the global
 * object's shape, and JavaScriptCore then throws away every optimized function that read any
 * global (`Array.isArray`, `Map`, `JSON`…), recompiling them later. Under load a server meets such
 * first reads for minutes (a path first taken by a checkpoint, a lease renewal, a close), so its
 * hottest functions were compiled again and again: `BUN_JSC_printEachOSRExit=true` showed ~100
 * `BadConstantCache` exits for each of ~20 hot functions, and the JIT thread used 0.56 s of CPU
 * over 15 s of the fan-out bench against upstream's 0.38. Reading every global once at startup
 * (157 of them, ~1 ms) makes those shape changes happen before anything is optimized.
 * @module
 */

let settled = false;

/** Read each property of `globalThis` once (later calls do nothing). */
export function settleGlobals(): void {
  if (settled) return;
  settled = true;
  readEveryProperty(globalThis);
}

/** Read every own property of `target` (symbols too) once; returns how many were read. */
export function readEveryProperty(target: object): number {
  const record = target as Record<PropertyKey, unknown>;
  let read = 0;
  for (const key of Reflect.ownKeys(record)) {
    try {
      void record[key];
      read++;
    } catch {
      // A getter that throws has nothing to settle.
    }
  }
  return read;
}
