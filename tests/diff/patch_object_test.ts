import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ObjectDiff } from "../../src/diff/network_diff.ts";
import { patchObject } from "../../src/diff/patch_object.ts";
import { deepFreeze } from "./_random_values.ts";

const diff = (value: unknown) => value as ObjectDiff;

describe("patchObject", () => {
  it("puts, deletes, appends and patches without touching its input", () => {
    const before = deepFreeze({ a: 1, gone: true, text: "ab", list: [1], bag: { x: 1, y: [2] } });

    const after = patchObject(before, {
      a: ["put", 2],
      gone: ["delete"],
      text: ["append", "c", 2],
      list: ["append", [2, 3], 1],
      bag: ["patch", { x: ["delete"], y: ["append", [3], 1] }],
    });

    assert.deepEqual(after, { a: 2, text: "abc", list: [1, 2, 3], bag: { y: [2, 3] } });
    assert.deepEqual(before, { a: 1, gone: true, text: "ab", list: [1], bag: { x: 1, y: [2] } });
  });

  it("returns the same object when no op has an effect", () => {
    const before = deepFreeze({ a: { b: 1 }, text: "ab", list: [1, 2] });

    const after = patchObject(before, {
      a: ["put", { b: 1 }],
      missing: ["delete"],
      text: ["append", "x", 5],
      list: ["append", [3], 1],
      nothing: ["patch", { b: ["put", 1] }],
    });

    assert.equal(after, before);
  });

  it("skips appends of the wrong kind and patches of non-objects", () => {
    const before = { text: "ab", list: [1], n: 3 };

    const after = patchObject(before, {
      text: ["append", [1], 2],
      list: ["append", "x", 1],
      n: ["patch", { a: ["put", 1] }],
    });

    assert.equal(after, before);
  });

  it("patches list items by index and keeps lists as lists", () => {
    const after = patchObject({ l: [{ a: 1 }, 2] }, {
      l: ["patch", { 0: ["patch", { a: ["put", 5] }] }],
    });

    assert.deepEqual(after, { l: [{ a: 5 }, 2] });
    assert.ok(Array.isArray(after.l));
  });

  it("ignores fields that could reach a prototype", () => {
    const hostile = JSON.parse(
      '{"__proto__":["put",{"polluted":true}],"constructor":["put",1],"prototype":["put",2],"ok":["put",3]}',
    );

    const after = patchObject({}, hostile) as Record<string, unknown>;

    assert.deepEqual(after, { ok: 3 });
    assert.equal(Object.getPrototypeOf(after), Object.prototype);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
  });

  it("puts at an array's end append one element each, in index order", () => {
    const before = deepFreeze({ list: [1, 2] });

    const after = patchObject(before, diff({ list: ["patch", { 3: ["put", 4], 2: ["put", 3] }] }));

    assert.deepEqual(after, { list: [1, 2, 3, 4] });
    assert.ok(Array.isArray(after.list));
  });

  it("refuses array fields that are not indices up to the length, and deletes of items", () => {
    // Each would make a sparse array (length 2^32 - 1 froze every validator for seconds) or a
    // field JSON never shows (uncounted by the size caps).
    const bad = [
      '{"length":["put",4294967295]}',
      '{"4294967294":["put",1]}',
      '{"3":["put",1]}',
      '{"01":["put",1]}',
      '{"-1":["put",1]}',
      '{"1e3":["put",1]}',
      `{"hidden":["put","${"x".repeat(1000)}"]}`,
      '{"0":["put",1],"hidden":["put",1]}',
      '{"constructor":["put",1]}',
      '{"__proto__":["put",1]}',
      '{"1":["delete"]}',
    ];
    for (const inner of bad) {
      const before = deepFreeze({ list: [1, 2] });
      assert.throws(
        () => patchObject(before, diff({ list: ["patch", JSON.parse(inner)] })),
        TypeError,
        inner.slice(0, 40),
      );
    }
    const hostile = JSON.parse('{"__proto__":["put",1]}');
    assert.throws(() => patchObject([1, 2], hostile), TypeError);
  });

  it("throws a TypeError on malformed diffs and ops", () => {
    const bad = [
      null,
      [],
      { a: "put" },
      { a: ["put"] },
      { a: ["put", 1, 2] },
      { a: ["append", "x"] },
      { a: ["patch", null] },
      { a: ["move", 1] },
      { a: ["toString"] },
    ];
    for (const value of bad) {
      assert.throws(() => patchObject({ a: "x" }, diff(value)), TypeError, JSON.stringify(value));
    }
  });
});
