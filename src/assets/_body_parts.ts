/**
 * Read an upload body as fixed-size parts, stopping as soon as it passes a size limit.
 * @module
 */
import { joinBytes } from "../storage/kv/kv_codec.ts";
import type { AssetBody } from "./asset_store.ts";

/** How reading ended: the whole body was read, or it passed the limit (the rest is cancelled). */
export type PartsEnd = "done" | "too_large";

/**
 * Yield the body in parts of exactly `partBytes` (the last one may be shorter; an empty body
 * yields nothing). Returns `"too_large"` once more than `maxBytes` have arrived.
 */
export async function* readParts(
  body: AssetBody,
  partBytes: number,
  maxBytes: number = Infinity,
): AsyncGenerator<Uint8Array, PartsEnd> {
  if (body instanceof Uint8Array) {
    if (body.length > maxBytes) return "too_large";
    for (let i = 0; i < body.length; i += partBytes) yield body.slice(i, i + partBytes);
    return "done";
  }
  const reader = body.getReader();
  let part = new Uint8Array(partBytes);
  let filled = 0;
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        // The caller refuses the upload; stop the client sending the rest.
        await reader.cancel().catch(() => {});
        return "too_large";
      }
      let offset = 0;
      while (offset < value.length) {
        const n = Math.min(partBytes - filled, value.length - offset);
        part.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === partBytes) {
          yield part;
          part = new Uint8Array(partBytes);
          filled = 0;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
  if (filled > 0) yield part.slice(0, filled);
  return "done";
}

/** Collect the whole body into one buffer, or `"too_large"`. */
export async function readAll(
  body: AssetBody,
  maxBytes: number = Infinity,
): Promise<Uint8Array | "too_large"> {
  if (body instanceof Uint8Array) return body.length > maxBytes ? "too_large" : body.slice();
  const parts: Uint8Array[] = [];
  const it = readParts(body, 64 * 1024, maxBytes);
  for (;;) {
    const step = await it.next();
    if (step.done) {
      if (step.value === "too_large") return "too_large";
      break;
    }
    parts.push(step.value);
  }
  return joinBytes(parts);
}

/** A stream of one buffer (empty buffers make an empty stream). */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** Cancel a body the store will not read (a refused upload). */
export async function discard(body: AssetBody): Promise<void> {
  // Cancelling only tells the sender to stop; a failure here changes nothing for the caller.
  if (!(body instanceof Uint8Array)) await body.cancel().catch(() => {});
}
