/**
 * Open the default storage provider for a path or URL.
 * @module
 */
import type { StorageProvider } from "../storage/storage.ts";
import { MemoryStorageProvider } from "../storage/memory_storage.ts";

/** Open storage at `path` (`:memory:` keeps rooms in memory). */
export function openDefaultStorage(path: string): Promise<StorageProvider> {
  // TODO(kv): open Deno KV here once the KV provider lands.
  if (path === ":memory:" || path) return Promise.resolve(new MemoryStorageProvider());
  return Promise.resolve(new MemoryStorageProvider());
}
