// settleGlobals (Bun): every global is read once before the server runs hot, so lazily made
// globals do not change the global object's shape under load. The reading itself is tested on
// an object of our own: the process's real globals are shared with every other test.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readEveryProperty } from "../../src/runtime/bun/settle_globals.ts";

describe("readEveryProperty", () => {
  it("reads each own property once, symbols included", () => {
    const reads = new Map<PropertyKey, number>();
    const sym = Symbol("lazy");
    const target = {};
    for (const key of ["a", "b", sym]) {
      Object.defineProperty(target, key, {
        get: () => void reads.set(key, (reads.get(key) ?? 0) + 1),
        enumerable: key !== "b", // not enumerable: still read
      });
    }
    assert.equal(readEveryProperty(target), 3);
    assert.deepEqual([...reads], [["a", 1], ["b", 1], [sym, 1]]);
  });

  it("goes past a getter that throws", () => {
    const target = Object.defineProperties({ after: 1 } as Record<string, unknown>, {
      broken: {
        get() {
          throw new Error("not here");
        },
      },
    });
    assert.equal(readEveryProperty(target), 1);
  });
});
