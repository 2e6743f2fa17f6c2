/**
 * Open the default storage provider for a path or URL.
 * @module
 */
import { type KvStorageOptions, KvStorageProvider } from "../storage/kv/kv_storage_provider.ts";
import type { KvLike } from "../storage/kv/kv_like.ts";
import type { StorageProvider } from "../storage/storage.ts";
import type { HistoryPolicy } from "../storage/history_policy.ts";
import { openKv } from "./open_kv.ts";

/**
 * Rooms in Deno KV at `path` (a file, `:memory:`, or a KV Connect URL): native `Deno.openKv` on
 * Deno, the `@deno/kv` package on Bun and Node.
 */
export async function openKvStorage(
  path: string,
  options: KvStorageOptions = {},
): Promise<KvStorageProvider> {
  return kvStorageOn(await openKv(path), options);
}

/**
 * Rooms in an already-open KV handle (shared, e.g., with the asset store). The provider closes
 * `kv` when it is closed.
 */
export function kvStorageOn(kv: KvLike, options: KvStorageOptions = {}): KvStorageProvider {
  const native = typeof (globalThis as { Deno?: { openKv?: unknown } }).Deno?.openKv === "function";
  return new KvStorageProvider(kv, {
    maxChecksPerAtomic: native ? 100 : 10,
    maxCommitsInFlight: native ? 4 : 1,
    ...options,
  });
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
