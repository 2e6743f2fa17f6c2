/**
 * Deno KV's size limits in one place, and the one check of whether a write fits them.
 *
 * Measured on Deno 2.9.6 (native) and `@deno/kv` (Bun): a key may encode to 2048 bytes, a value
 * may be 65,536 bytes, an atomic may carry 1000 mutations, 819,200 bytes of keys plus values and
 * (native) 81,920 bytes of keys. Writes are planned within smaller budgets ({@linkcode
 * ATOMIC_BUDGET}, packed by `atomic_packer.ts`) so a plan never meets the hard limits.
 * @module
 */
import type { KvKey } from "./kv_like.ts";

/** Hard limits of one KV write (the smaller of Deno's and `@deno/kv`'s). */
export const KV_LIMITS = {
  maxKeyBytes: 2048,
  maxValueBytes: 65_536,
  maxMutations: 1000,
  maxTotalMutationBytes: 819_200,
  maxTotalKeyBytes: 81_920,
  maxChecks: 10,
} as const;

/** What this project puts in one atomic at most (headroom below {@linkcode KV_LIMITS}). */
export const ATOMIC_BUDGET = {
  mutations: 900,
  bytes: 700_000,
  keyBytes: 72_000,
} as const;

/** A set (`expireIn`: KV may drop the key that many ms after the write) or a delete (`null`). */
export type Mutation =
  | { key: KvKey; value: Uint8Array; expireIn?: number }
  | { key: KvKey; value: null };

function encodedLength(bytes: Uint8Array): number {
  let n = bytes.length + 2; // type tag + terminator
  for (const b of bytes) if (b === 0) n++; // 0x00 is escaped as 0x00 0xff
  return n;
}

/**
 * Bytes of a string key part as KV encodes it: its UTF-8 length (a lone surrogate becomes
 * U+FFFD, 3 bytes) plus one per NUL (escaped) plus tag and terminator, counted without
 * encoding (this runs for every key of every atomic).
 */
function stringKeyBytes(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += c === 0 ? 2 : 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Bytes of `key` as KV encodes it (exact for strings, bytes, numbers; bigints an upper bound). */
export function keyBytes(key: KvKey): number {
  let n = 0;
  for (const part of key) {
    if (typeof part === "string") n += stringKeyBytes(part);
    else if (part instanceof Uint8Array) n += encodedLength(part);
    else if (typeof part === "number") n += 9;
    else if (typeof part === "bigint") n += 2 + Math.ceil(part.toString(16).length / 2);
    else n += 1;
  }
  return n;
}

/** Why `m` can never be written (a key or value over KV's limit), or `null` when it fits. */
export function mutationProblem(m: Mutation): string | null {
  const k = keyBytes(m.key);
  if (k > KV_LIMITS.maxKeyBytes) {
    return `key of ${k} bytes is over KV's ${KV_LIMITS.maxKeyBytes}-byte key limit`;
  }
  if (m.value && m.value.length > KV_LIMITS.maxValueBytes) {
    return `value of ${m.value.length} bytes is over KV's ${KV_LIMITS.maxValueBytes}-byte limit`;
  }
  return null;
}
