import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseByteRange } from "../../src/server/routes/_byte_range.ts";

describe("parseByteRange()", () => {
  it("bytes=a-b is that range, clamped to the size", () => {
    assert.deepEqual(parseByteRange("bytes=0-99", 1000), {
      kind: "partial",
      offset: 0,
      length: 100,
    });
    assert.deepEqual(parseByteRange("bytes=900-5000", 1000), {
      kind: "partial",
      offset: 900,
      length: 100,
    });
  });

  it("bytes=a- runs to the end and bytes=-n is the last n bytes", () => {
    assert.deepEqual(parseByteRange("bytes=990-", 1000), {
      kind: "partial",
      offset: 990,
      length: 10,
    });
    assert.deepEqual(parseByteRange("bytes=-10", 1000), {
      kind: "partial",
      offset: 990,
      length: 10,
    });
    assert.deepEqual(parseByteRange("bytes=-5000", 1000), {
      kind: "partial",
      offset: 0,
      length: 1000,
    });
  });

  it("a start at or past the end, or an empty suffix, is unsatisfiable", () => {
    assert.deepEqual(parseByteRange("bytes=1000-", 1000), { kind: "unsatisfiable" });
    assert.deepEqual(parseByteRange("bytes=-0", 1000), { kind: "unsatisfiable" });
    assert.deepEqual(parseByteRange("bytes=0-", 0), { kind: "unsatisfiable" });
  });

  it("no header, other units, several ranges and bad syntax mean the whole resource", () => {
    for (
      const header of [null, "items=0-1", "bytes=0-1,5-6", "bytes=5-1", "bytes=a-b", "bytes=-"]
    ) {
      assert.deepEqual(parseByteRange(header, 1000), { kind: "full" }, String(header));
    }
  });
});
