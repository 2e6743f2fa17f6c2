/**
 * Reading and trimming bus streams.
 * @module
 */
import { writeBatches } from "../storage/kv/atomic_packer.ts";
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import type { StreamEntry } from "./collect_frames.ts";
import { retryLocked } from "../storage/kv/lock_retry_kv.ts";

/** Every entry under `prefix`, in key order, keys relative to the prefix. */
export function readEntries(kv: KvLike, prefix: KvKey): Promise<StreamEntry[]> {
  return retryLocked(async () => {
    const entries: StreamEntry[] = [];
    for await (const e of kv.list<Uint8Array>({ prefix }, { batchSize: 500 })) {
      entries.push({ tail: e.key.slice(prefix.length), value: e.value });
    }
    return entries;
  });
}

/** Delete keys, many per atomic. */
export async function deleteKeys(kv: KvLike, keys: KvKey[]): Promise<void> {
  await writeBatches(kv, keys.map((key) => ({ key, value: null })), "Cannot delete bus entries");
}

/**
 * Deletes consumed entries in the background, one batch at a time, so polling never waits on
 * a write. Keys offered while a deletion runs are skipped: they are listed again next poll as
 * already consumed and offered again then. Failures are ignored (entries expire anyway).
 */
export class Trimmer {
  #kv: KvLike;
  #running: Promise<void> | null = null;

  /** Trim entries of `kv`. */
  constructor(kv: KvLike) {
    this.#kv = kv;
  }

  /** Delete `keys` unless a deletion is still running. */
  trim(keys: KvKey[]): void {
    if (this.#running || keys.length === 0) return;
    this.#running = deleteKeys(this.#kv, keys).catch(() => {}).finally(() => {
      this.#running = null;
    });
  }
}
