/**
 * Open a Deno KV database on Deno (native) or Bun/Node (`@deno/kv`), creating the parent
 * directory of a file path. Values must be `Uint8Array`s (portable across runtimes).
 * @module
 */
import type { KvLike } from "../storage/kv/kv_like.ts";

/**
 * Open `path` (a file path, `:memory:`, or a KV Connect URL). Without a path: Deno's default
 * database (on Deno Deploy, its managed KV).
 */
export async function openKv(path?: string): Promise<KvLike> {
  const isFile = path !== undefined && path !== ":memory:" && !/^https?:\/\//.test(path);
  if (isFile) {
    const { mkdirSync } = await import("node:fs");
    const { dirname } = await import("node:path");
    mkdirSync(dirname(path), { recursive: true });
  }
  const g = globalThis as { Deno?: { openKv?: (path?: string) => Promise<unknown> } };
  if (typeof g.Deno?.openKv === "function") {
    return (await (path === undefined ? g.Deno.openKv() : g.Deno.openKv(path))) as KvLike;
  }
  if (path === undefined) throw new TypeError("A KV path is required outside Deno");
  const { openKv: openNpmKv } = await import("@deno/kv");
  const refuse = (): never => {
    throw new TypeError("KV values must be Uint8Array (portable between Deno and Bun)");
  };
  return (await openNpmKv(path, { encodeV8: refuse, decodeV8: refuse })) as unknown as KvLike;
}
