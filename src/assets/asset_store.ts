/**
 * The asset store port: where uploaded images and videos live. Assets are immutable: an id is
 * written once and never overwritten, so they can be cached forever.
 * @module
 */
import type { QuotaLedger } from "./upload_quota.ts";

/** What is known about a stored asset without reading its bytes. */
export interface AssetMetadata {
  /** The media type given at upload, e.g. `image/png`. */
  contentType: string;
  /** Size in bytes. */
  size: number;
}

/** A byte range: `length` bytes starting at `offset` (both within the asset). */
export interface ByteRange {
  /** First byte, 0-based. */
  offset: number;
  /** Number of bytes. */
  length: number;
}

/** A stored asset: its metadata and a way to read all or part of it. */
export interface StoredAsset extends AssetMetadata {
  /** Stream the bytes of `range` (default: the whole asset). */
  read(range?: ByteRange): ReadableStream<Uint8Array>;
}

/** Upload bytes: a buffer or a stream (e.g. `request.body`). */
export type AssetBody = Uint8Array | ReadableStream<Uint8Array>;

/** Options of {@linkcode AssetStore.put}. */
export interface AssetPutOptions {
  /** Refuse bodies larger than this many bytes (result `too_large`). Default: no limit. */
  maxBytes?: number;
}

/**
 * The outcome of {@linkcode AssetStore.put}. `exists`: the id is taken (nothing was written);
 * `too_large`: the body passed `maxBytes` (nothing stays written).
 */
export type AssetPutResult =
  | { ok: true; size: number }
  | { ok: false; reason: "exists" | "too_large" };

/** Stores immutable assets by id. */
export interface AssetStore {
  /** Store `body` under `id` unless the id is taken; a partial upload is never visible. */
  put(
    id: string,
    body: AssetBody,
    contentType: string,
    options?: AssetPutOptions,
  ): Promise<AssetPutResult>;
  /** The asset under `id`, or `undefined`. */
  get(id: string): Promise<StoredAsset | undefined>;
  /** Remove the asset under `id` (no-op when absent). */
  delete?(id: string): Promise<void>;
  /**
   * Where per-room upload bytes are counted, kept as durably as the assets. Without one,
   * `assetRoutes` counts in memory.
   */
  readonly quota?: QuotaLedger;
}
