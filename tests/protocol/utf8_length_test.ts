// utf8Length: the UTF-8 byte count of a string, checked against TextEncoder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { utf8Length } from "../../src/protocol/utf8_length.ts";

const encoder = new TextEncoder();

describe("utf8Length", () => {
  it("counts ASCII, 2-byte and 3-byte characters", () => {
    assert.equal(utf8Length(""), 0);
    assert.equal(utf8Length("abc"), 3);
    assert.equal(utf8Length("é"), 2);
    assert.equal(utf8Length("€"), 3);
    assert.equal(utf8Length("a\u07ff\u0800\uffff"), 1 + 2 + 3 + 3);
  });

  it("counts a surrogate pair as 4 bytes and a lone surrogate as U+FFFD's 3", () => {
    assert.equal(utf8Length("😀"), 4);
    assert.equal(utf8Length("a😀b"), 6);
    assert.equal(utf8Length("\ud83d"), 3); // lone high at the end
    assert.equal(utf8Length("\ude00x"), 4); // lone low first
    assert.equal(utf8Length("\ud83d\ud83d\ude00"), 3 + 4); // high, then a pair
    assert.equal(utf8Length("\ude00\ud83d"), 6); // low before high is not a pair
  });

  it("matches TextEncoder on mixed text", () => {
    const pieces = ["a", "é", "€", "😀", "\ud800", "\udfff", "\u0000", "\u007f", "\u0080"];
    let seed = 7;
    for (let round = 0; round < 200; round++) {
      let text = "";
      for (let i = 0; i < 40; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        text += pieces[seed % pieces.length];
      }
      assert.equal(utf8Length(text), encoder.encode(text).byteLength, JSON.stringify(text));
    }
  });
});
