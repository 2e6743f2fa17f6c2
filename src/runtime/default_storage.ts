/**
 * Open the default storage provider for a path or URL.
 * @module
 */
import { type KvStorageOptions, KvStorageProvider } from "../storage/kv/kv_storage_provider.ts";
import type { KvLike } from "../storage/kv/kv_like.ts";
import type { StorageProvider } from "../storage/storage.ts";
import { kvPackingOf, openKv, type OpenKvOptions } from "./open_kv.ts";
import type { HistoryPolicy } from "../storage/history_policy.ts";

/**
 * Rooms in Deno KV at `path` (a file, `:memory:`, or a KV Connect URL): native `Deno.openKv` on
 * Deno; on Bun `bun:sqlite` for files and `:memory:` (Deno KV's file layout), `@deno/kv` for URLs
 * (see `open_kv.ts`); `@deno/kv` on Node.
 */
export async function openKvStorage(
  path: string,
  options: KvStorageOptions = {},
  open: OpenKvOptions = {},
): Promise<KvStorageProvider> {
  return kvStorageOn(await openKv(path, open), options);
}

/**
 * Rooms in an already-open KV handle (shared, e.g., with the asset store). The provider closes
 * `kv` when it is closed.
 */
export function kvStorageOn(kv: KvLike, options: KvStorageOptions = {}): KvStorageProvider {
  return new KvStorageProvider(kv, { ...kvPackingOf(kv), ...options });
}

/**
 * The default server's storage: {@linkcode openKvStorage} with an optional lease lifetime and
 * history policy (`false`: no history).
 */
export function openDefaultStorage(
  path: string,
  leaseTtlMs?: number,
  history: HistoryPolicy | false = {},
): Promise<StorageProvider> {
  return openKvStorage(path, { ...(leaseTtlMs ? { leaseTtlMs } : {}), history });
}
