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
  return new KvStorageProvider(await openKv(path), leaseTtlMs ? { leaseTtlMs } : {});
}
