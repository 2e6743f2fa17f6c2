/**
 * Deno KV storage for tldraw sync rooms.
 *
 * @example Store rooms in a local KV file
 * ```ts ignore
 * import { KvStorageProvider } from "@tlsync/edge/kv";
 * const storage = new KvStorageProvider(await Deno.openKv("./data/rooms.sqlite3"));
 * ```
 * @module
 */
export { type KvStorageOptions, KvStorageProvider } from "./kv_storage_provider.ts";
export { KvRoomStorage } from "./kv_room_storage.ts";
export type { KvAtomicLike, KvEntryMaybe, KvKey, KvLike } from "./kv_like.ts";
export type { SkippedEntry } from "./kv_records.ts";
export { KV_LIMITS } from "./kv_limits.ts";
