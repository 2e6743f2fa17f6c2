/**
 * Open the default storage provider for a path or URL.
 * @module
 */
import { KvStorageProvider } from "../storage/kv/kv_storage_provider.ts";
import type { StorageProvider } from "../storage/storage.ts";
import { openKv } from "./open_kv.ts";

/** Deno KV at `path` (a file, `:memory:`, or a KV Connect URL). */
export async function openDefaultStorage(
  path: string,
  leaseTtlMs?: number,
): Promise<StorageProvider> {
  const native = typeof (globalThis as { Deno?: { openKv?: unknown } }).Deno?.openKv === "function";
  return new KvStorageProvider(await openKv(path), {
    maxChecksPerAtomic: native ? 100 : 10,
    ...(leaseTtlMs ? { leaseTtlMs } : {}),
  });
}
