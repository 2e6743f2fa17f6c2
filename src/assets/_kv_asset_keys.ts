/**
 * KV keys and the metadata value of the KV asset store.
 * @module
 */
import type { KvKey } from "../storage/kv/kv_like.ts";

/** Bytes per part value: 60 KiB, below KV's 64 KiB value limit. */
export const ASSET_PART_BYTES = 60 * 1024;

/** The metadata value, written last: its presence is what makes an asset exist. */
export interface StoredAssetMeta {
  /** Media type. */
  contentType: string;
  /** Size in bytes. */
  size: number;
  /** Number of parts. */
  parts: number;
  /** Bytes per part (all parts but the last are full). */
  partBytes: number;
  /** The upload the parts belong to, so concurrent uploads of one id never share keys. */
  upload: string;
}

/** `[...prefix, id, "meta"]`: the asset's metadata. */
export function assetMetaKey(prefix: KvKey, id: string): KvKey {
  return [...prefix, id, "meta"];
}

/** `[...prefix, id, "part", upload, index]`: one part of one upload. */
export function assetPartKey(prefix: KvKey, id: string, upload: string, index: number): KvKey {
  return [...prefix, id, "part", upload, index];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encode metadata as UTF-8 JSON bytes (portable between Deno and `@deno/kv`). */
export function encodeMeta(meta: StoredAssetMeta): Uint8Array {
  return encoder.encode(JSON.stringify(meta));
}

/** Decode metadata; throws `TypeError` naming the id when the value is not what we wrote. */
export function decodeMeta(value: unknown, id: string): StoredAssetMeta {
  if (value instanceof Uint8Array) {
    try {
      const meta = JSON.parse(decoder.decode(value)) as StoredAssetMeta;
      if (typeof meta.size === "number" && typeof meta.upload === "string") return meta;
    } catch {
      // Fall through to the error below.
    }
  }
  throw new TypeError(`Cannot read asset "${id}": its metadata is not valid`);
}
