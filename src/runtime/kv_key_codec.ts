/**
 * Deno KV's key encoding (the FoundationDB tuple layout Deno KV stores in its SQLite `kv.k`
 * column), written from its documented format. Byte order of the encoding is Deno KV's key order:
 * Uint8Array < string < bigint < number < false < true, then part by part.
 *
 * - Uint8Array `0x01`, string `0x02` (UTF-8): the bytes with each `0x00` escaped as `0x00 0xff`,
 *   then a `0x00` terminator.
 * - bigint: `0x14` for zero; up to 8 bytes of magnitude `0x14 ± n` then the big-endian bytes (ones'
 *   complement when negative); longer `0x1d n bytes` / `0x0b ~n ~bytes` (at most 255 bytes).
 * - number `0x21` + the IEEE-754 bits big-endian, all bits flipped when negative, else the sign
 *   bit flipped; NaN is written as the canonical quiet NaN.
 * - false `0x26`, true `0x27`.
 * @module
 */
import type { KvKey } from "../storage/kv/kv_like.ts";

const BYTES = 0x01;
const STRING = 0x02;
const NEG_INT_START = 0x0b;
const INT_ZERO = 0x14;
const POS_INT_END = 0x1d;
const DOUBLE = 0x21;
const FALSE = 0x26;
const TRUE = 0x27;
const MAX_INLINE_INT = 8;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const scratch = new DataView(new ArrayBuffer(8));

/** A stored key that is not a valid Deno KV key encoding. */
export class KvKeyDecodeError extends Error {
  /** `why` names what is wrong with the bytes. */
  constructor(why: string) {
    super(`invalid KV key encoding: ${why}`);
    this.name = "KvKeyDecodeError";
  }
}

/** Growable byte buffer. */
class Out {
  bytes = new Uint8Array(64);
  length = 0;

  push(b: number): void {
    if (this.length === this.bytes.length) this.#grow(1);
    this.bytes[this.length++] = b;
  }

  escaped(src: Uint8Array): void {
    this.#grow(src.length * 2 + 1);
    for (let i = 0; i < src.length; i++) {
      const b = src[i]!;
      this.bytes[this.length++] = b;
      if (b === 0) this.bytes[this.length++] = 0xff;
    }
    this.bytes[this.length++] = 0;
  }

  ascii(s: string): void {
    this.#grow(s.length * 2 + 1);
    for (let i = 0; i < s.length; i++) {
      const b = s.charCodeAt(i);
      this.bytes[this.length++] = b;
      if (b === 0) this.bytes[this.length++] = 0xff;
    }
    this.bytes[this.length++] = 0;
  }

  #grow(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

/** The bytes Deno KV stores for `key`; TypeError for a part of another type. */
export function encodeKvKey(key: KvKey): Uint8Array {
  const out = new Out();
  for (const part of key) {
    if (typeof part === "string") (out.push(STRING), encodeString(out, part));
    else if (part instanceof Uint8Array) (out.push(BYTES), out.escaped(part));
    else if (typeof part === "number") encodeDouble(out, part);
    else if (typeof part === "bigint") encodeBigInt(out, part);
    else if (part === false) out.push(FALSE);
    else if (part === true) out.push(TRUE);
    else throw new TypeError(`KV key part of type ${typeof part} is not supported`);
  }
  return out.bytes.slice(0, out.length);
}

function encodeString(out: Out, s: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return out.escaped(encoder.encode(s)); // not ASCII
  }
  out.ascii(s);
}

function encodeDouble(out: Out, n: number): void {
  out.push(DOUBLE);
  scratch.setFloat64(0, Number.isNaN(n) ? NaN : n);
  let hi = scratch.getUint32(0);
  let lo = scratch.getUint32(4);
  if (Number.isNaN(n)) (hi = 0x7ff8_0000, lo = 0); // canonical NaN
  if (hi & 0x8000_0000) (hi = ~hi >>> 0, lo = ~lo >>> 0);
  else hi = (hi ^ 0x8000_0000) >>> 0;
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  for (let i = 0; i < 8; i++) out.push(scratch.getUint8(i));
}

function encodeBigInt(out: Out, n: bigint): void {
  if (n === 0n) return out.push(INT_ZERO);
  const negative = n < 0n;
  const hex = (negative ? -n : n).toString(16);
  const size = Math.ceil(hex.length / 2);
  if (size > 255) throw new TypeError("KV key bigint is over 255 bytes");
  const padded = hex.padStart(size * 2, "0");
  if (size <= MAX_INLINE_INT) out.push(negative ? INT_ZERO - size : INT_ZERO + size);
  else if (negative) (out.push(NEG_INT_START), out.push(size ^ 0xff));
  else (out.push(POS_INT_END), out.push(size));
  for (let i = 0; i < size; i++) {
    const b = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
    out.push(negative ? b ^ 0xff : b);
  }
}

/** The key `bytes` encode; {@linkcode KvKeyDecodeError} when they are not a valid encoding. */
export function decodeKvKey(bytes: Uint8Array): KvKey {
  const key: (string | number | bigint | boolean | Uint8Array)[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = bytes[at++]!;
    if (tag === STRING || tag === BYTES) {
      const [part, next] = unescape(bytes, at);
      key.push(tag === BYTES ? part : decodeUtf8(part));
      at = next;
    } else if (tag >= NEG_INT_START && tag <= POS_INT_END) {
      const [part, next] = decodeBigInt(bytes, at, tag);
      key.push(part);
      at = next;
    } else if (tag === DOUBLE) {
      key.push(decodeDouble(take(bytes, at, 8)));
      at += 8;
    } else if (tag === FALSE || tag === TRUE) key.push(tag === TRUE);
    else throw new KvKeyDecodeError(`unknown tag 0x${tag.toString(16)} at byte ${at - 1}`);
  }
  return key;
}

function take(bytes: Uint8Array, at: number, n: number): Uint8Array {
  if (at + n > bytes.length) throw new KvKeyDecodeError("truncated");
  return bytes.subarray(at, at + n);
}

function decodeUtf8(part: Uint8Array): string {
  try {
    return decoder.decode(part);
  } catch {
    throw new KvKeyDecodeError("string part is not UTF-8");
  }
}

/** The escaped run starting at `at`, and the offset after its terminator. */
function unescape(bytes: Uint8Array, at: number): [Uint8Array, number] {
  const out: number[] = [];
  for (let i = at; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0) out.push(b);
    else if (bytes[i + 1] === 0xff) (out.push(0), i++);
    else return [Uint8Array.from(out), i + 1];
  }
  throw new KvKeyDecodeError("unterminated bytes or string part");
}

function decodeBigInt(bytes: Uint8Array, at: number, tag: number): [bigint, number] {
  let negative = tag < INT_ZERO;
  let size = Math.abs(tag - INT_ZERO);
  if (tag === NEG_INT_START || tag === POS_INT_END) {
    negative = tag === NEG_INT_START;
    const raw = take(bytes, at++, 1)[0]!;
    size = negative ? raw ^ 0xff : raw;
  } else if (size > MAX_INLINE_INT) {
    throw new KvKeyDecodeError(`unknown integer tag 0x${tag.toString(16)}`);
  }
  let n = 0n;
  for (const b of take(bytes, at, size)) n = (n << 8n) | BigInt(negative ? b ^ 0xff : b);
  return [negative ? -n : n, at + size];
}

function decodeDouble(part: Uint8Array): number {
  for (let i = 0; i < 8; i++) scratch.setUint8(i, part[i]!);
  let hi = scratch.getUint32(0);
  let lo = scratch.getUint32(4);
  if (hi & 0x8000_0000) hi = (hi ^ 0x8000_0000) >>> 0;
  else (hi = ~hi >>> 0, lo = ~lo >>> 0);
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  return scratch.getFloat64(0);
}
