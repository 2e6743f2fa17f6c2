/**
 * Values are UTF-8 JSON bytes (readable from Deno, Node and Bun alike); large values are split
 * into parts below the 64 KiB value limit.
 * @module
 */
import type { KvKey } from "./kv_like.ts";

/** Largest part written (below the 65,536-byte value limit). */
export const PART_BYTES = 60_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Encode a JSON value. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decode a value written by {@linkcode encodeJson}; the error names the key. */
export function decodeJson<T>(value: unknown, key: KvKey, what: string): T {
  if (!(value instanceof Uint8Array)) {
    throw new Error(`Cannot load ${what}: value at key ${formatKey(key)} is not bytes`);
  }
  try {
    return JSON.parse(decoder.decode(value)) as T;
  } catch {
    throw new Error(`Cannot load ${what}: value at key ${formatKey(key)} is not valid JSON`);
  }
}

/** A decoded value, or why it is not one. */
export type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

/** Decode a value written by {@linkcode encodeJson} without throwing. */
export function decodeValue(value: unknown): Decoded {
  if (!(value instanceof Uint8Array)) return { ok: false, reason: "not bytes" };
  try {
    return { ok: true, value: JSON.parse(decoder.decode(value)) };
  } catch {
    return { ok: false, reason: "not valid JSON" };
  }
}

/** Split bytes into parts of at most `size`. */
export function splitBytes(bytes: Uint8Array, size: number = PART_BYTES): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return parts.length ? parts : [new Uint8Array(0)];
}

/** Join parts back into one buffer. */
export function joinBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A key as text for error messages. */
export function formatKey(key: KvKey): string {
  return `[${key.map((k) => (typeof k === "string" ? JSON.stringify(k) : String(k))).join(",")}]`;
}
