// Deno KV's key encoding (src/runtime/kv_key_codec.ts): exact bytes for each part type (the
// values Deno itself stores, read from a file written by Deno 2.9.6 and from the format's
// documentation), round trips, byte order = Deno KV key order, and refusal of bad bytes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeKvKey, encodeKvKey, KvKeyDecodeError } from "../../src/runtime/kv_key_codec.ts";
import type { KvKey } from "../../src/storage/kv/kv_like.ts";

const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

describe("KV key codec", () => {
  it("encodes each part type to the bytes Deno KV stores", () => {
    // ["a", 0] as Deno 2.9.6 wrote it to its SQLite kv.k column: 02 61 00 21 80 00..00
    assert.equal(hex(encodeKvKey(["a", 0])), "026100218000000000000000");
    assert.equal(hex(encodeKvKey(["a", 1])), "02610021bff0000000000000");
    assert.equal(hex(encodeKvKey([-1])), "21400fffffffffffff");
    assert.equal(hex(encodeKvKey([new Uint8Array([0, 1])])), "0100ff0100");
    assert.equal(hex(encodeKvKey(["\0"])), "0200ff00");
    assert.equal(hex(encodeKvKey([0n, 1n, -1n, 256n])), "14150113fe160100");
    assert.equal(hex(encodeKvKey([false, true])), "2627");
    assert.equal(hex(encodeKvKey(["é"])), "02c3a900");
    assert.equal(hex(encodeKvKey([NaN])), "21fff8000000000000");
  });

  it("encodes bigints longer than 8 bytes with a length byte", () => {
    const big = 1n << 80n; // 11 bytes
    assert.equal(hex(encodeKvKey([big])), "1d0b01" + "00".repeat(10));
    assert.equal(hex(encodeKvKey([-big])), "0bf4fe" + "ff".repeat(10));
    assert.throws(() => encodeKvKey([1n << 2048n]), /over 255 bytes/);
  });

  it("round-trips every part type", () => {
    const key: KvKey = [
      new Uint8Array([0, 255, 0, 1]),
      "",
      "x\0y",
      "日本",
      -Infinity,
      -1.5,
      -0,
      0,
      Number.MIN_VALUE,
      2 ** 53,
      Infinity,
      -(1n << 100n),
      -1n,
      0n,
      255n,
      1n << 64n,
      false,
      true,
    ];
    const back = decodeKvKey(encodeKvKey(key));
    assert.deepEqual(back, key);
    assert.ok(Object.is(back[6], -0), "-0 stays -0");
    assert.ok(Number.isNaN(decodeKvKey(encodeKvKey([NaN]))[0]));
  });

  it("orders encodings as Deno KV orders keys", () => {
    const sorted: KvKey[] = [
      [new Uint8Array([])],
      [new Uint8Array([0])],
      [new Uint8Array([0, 0])],
      [new Uint8Array([1])],
      [""],
      ["\0"],
      ["a"],
      ["a", 1],
      ["a\0"],
      ["ab"],
      ["b"],
      [-(1n << 80n)],
      [-256n],
      [-1n],
      [0n],
      [1n],
      [255n],
      [256n],
      [1n << 80n],
      [-Infinity],
      [-2],
      [-1],
      [-0],
      [0],
      [0.5],
      [1],
      [Infinity],
      [NaN],
      [false],
      [true],
    ];
    const encoded = sorted.map(encodeKvKey);
    for (let i = 1; i < encoded.length; i++) {
      assert.ok(
        compareBytes(encoded[i - 1]!, encoded[i]!) < 0,
        `${String(sorted[i - 1])} sorts before ${String(sorted[i])}`,
      );
    }
  });

  it("refuses bytes that are not a key encoding, and unsupported part types", () => {
    const bad = [[0x07], [0x02, 0x61], [0x21, 1, 2], [0x1d, 5, 1], [0x02, 0xff, 0x00], [0x1f]];
    for (const b of bad) assert.throws(() => decodeKvKey(new Uint8Array(b)), KvKeyDecodeError);
    assert.throws(() => encodeKvKey([{} as unknown as string]), TypeError);
    assert.throws(() => encodeKvKey([null as unknown as string]), TypeError);
  });
});
