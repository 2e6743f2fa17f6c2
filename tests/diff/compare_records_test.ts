import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as syncCore from "@tldraw/sync-core";
import isEqual from "fast-deep-equal";
import { compareRecords, compareValues, Depth } from "../../src/diff/compare_records.ts";
import { patchObject } from "../../src/diff/patch_object.ts";
import { deepFreeze, mutateRecord, randomRecord, seededRandom } from "./_random_values.ts";

// The tldraw client's own diff functions: exported at runtime, not in the typings.
const client = syncCore as unknown as {
  diffRecord(prev: object, next: object, legacyAppendMode: boolean): object | null;
  applyObjectDiff(object: object, diff: object): object;
};

const v8 = { textAppends: true };
const v7 = { textAppends: false };
const rec = (extra: Record<string, unknown>) => ({ id: "shape:1", typeName: "shape", ...extra });

describe("compareRecords", () => {
  it("returns null for equal records, even as different objects", () => {
    const a = rec({ x: 1, props: { w: [1, 2] }, meta: {} });

    assert.equal(compareRecords(a, structuredClone(a), v8), null);
  });

  it("puts new fields, deletes missing or undefined ones", () => {
    const diff = compareRecords(rec({ x: 1, y: 2 }), rec({ x: 1, y: undefined, z: 3 }), v8);

    assert.deepEqual(diff, { y: ["delete"], z: ["put", 3] });
  });

  it("enters props and meta one level; other bags and deeper bags are put whole", () => {
    const before = rec({ style: { a: 1 }, props: { w: 1, s: { a: 1, b: 1 } }, meta: { n: 1 } });
    const after = rec({ style: { a: 2 }, props: { w: 2, s: { a: 1, b: 2 } }, meta: { n: 2 } });

    assert.deepEqual(compareRecords(before, after, v8), {
      style: ["put", { a: 2 }],
      props: ["patch", { w: ["put", 2], s: ["put", { a: 1, b: 2 }] }],
      meta: ["patch", { n: ["put", 2] }],
    });
  });

  it("appends grown text for v8 peers and puts it for v7 peers", () => {
    const before = rec({ name: "ab", meta: { note: "a" } });
    const after = rec({ name: "abcd", meta: { note: "a!" } });

    assert.deepEqual(compareRecords(before, after, v8), {
      name: ["append", "cd", 2],
      meta: ["patch", { note: ["append", "!", 1] }],
    });
    assert.deepEqual(compareRecords(before, after, v7), {
      name: ["put", "abcd"],
      meta: ["patch", { note: ["put", "a!"] }],
    });
  });

  it("lists: append on growth, patch up to a fifth of the items, put otherwise", () => {
    const ten = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const two = ten.map((n) => n === 3 || n === 7 ? -n : n);
    const three = two.map((n, i) => i === 0 ? 99 : n);

    assert.deepEqual(compareValues(ten, [...ten, 10], { ...v8, depth: Depth.Whole }), ["append", [
      10,
    ], 10]);
    assert.deepEqual(compareValues(ten, two, { ...v8, depth: Depth.Whole }), [
      "patch",
      { 3: ["put", -3], 7: ["put", -7] },
    ]);
    assert.deepEqual(compareValues(ten, three, { ...v8, depth: Depth.Whole }), ["put", three]);
    assert.deepEqual(compareValues(ten, ten.slice(1), { ...v8, depth: Depth.Whole }), [
      "put",
      ten.slice(1),
    ]);
    assert.deepEqual(compareValues([1, 2], [9, 2, 3], { ...v8, depth: Depth.Whole }), ["put", [
      9,
      2,
      3,
    ]]);
    assert.deepEqual(compareValues([{ a: 1 }], [{ a: 2 }], { ...v8, depth: Depth.Whole }), [
      "patch",
      { 0: ["patch", { a: ["put", 2] }] },
    ]);
  });

  it("list items: bags are entered one level, lists follow the list rule, text is put", () => {
    const before = rec({
      props: { segments: [{ type: "free", points: [1], note: "a", at: { x: 1 } }] },
    });
    const after = rec({
      props: { segments: [{ type: "free", points: [1, 2], note: "ab", at: { x: 2 } }] },
    });

    assert.deepEqual(compareRecords(before, after, v8), {
      props: ["patch", {
        segments: ["patch", {
          0: ["patch", {
            points: ["append", [2], 1],
            note: ["append", "b", 1],
            at: ["put", { x: 2 }],
          }],
        }],
      }],
    });
    assert.deepEqual(compareValues(["ab"], ["abc"], { ...v8, depth: Depth.Whole }), ["patch", {
      0: ["put", "abc"],
    }]);
    assert.deepEqual(compareValues([[1, 2]], [[1, 2, 3]], { ...v8, depth: Depth.Whole }), [
      "patch",
      { 0: ["append", [3], 2] },
    ]);
  });

  it("a list item turning from a bag into a list (or back) is put, never patched", () => {
    assert.deepEqual(compareValues([{ a: 1 }], [[1]], { ...v8, depth: Depth.Whole }), [
      "patch",
      { 0: ["put", [1]] },
    ]);
  });
});

describe("compareRecords properties (seeded, 400 random pairs per mode)", () => {
  for (const [mode, options] of [["v8", v8], ["v7", v7]] as const) {
    it(`${mode}: patchObject(before, diff) equals after, and inputs are never mutated`, () => {
      const rand = seededRandom(0x5eed + (mode === "v8" ? 8 : 7));
      for (let i = 0; i < 400; i++) {
        const before = deepFreeze(randomRecord(rand));
        const after = deepFreeze(mutateRecord(rand, before));

        const diff = compareRecords(before, after, options);

        assert.deepEqual(diff === null ? before : patchObject(before, diff), after, `pair ${i}`);
        if (!options.textAppends) assert.ok(!hasTextAppend(diff), `pair ${i} has a text append`);
      }
    });

    it(`${mode}: the real tldraw client diffs alike and applies our diff to the same result`, () => {
      const rand = seededRandom(0xc11e + (mode === "v8" ? 8 : 7));
      let compared = 0;
      for (let i = 0; i < 400; i++) {
        const before = deepFreeze(randomRecord(rand));
        const after = deepFreeze(mutateRecord(rand, before));

        const ours = compareRecords(before, after, options);
        const theirs = client.diffRecord(before, after, !options.textAppends);

        assert.deepEqual(ours === null ? before : client.applyObjectDiff(before, ours), after);
        // Same op choice as the client (the room answers `commit` only when the diffs match),
        // except where the client's own diff does not rebuild `after`: a list item turning
        // from a bag into a list, which it patches key by key and we put.
        if (!isEqual(theirs === null ? before : client.applyObjectDiff(before, theirs), after)) {
          continue;
        }
        compared++;
        assert.deepEqual(ours, theirs, `pair ${i}`);
      }
      assert.ok(compared > 390, `only ${compared} pairs compared`);
    });
  }
});

function hasTextAppend(value: unknown): boolean {
  if (!Array.isArray(value) && (typeof value !== "object" || value === null)) return false;
  if (Array.isArray(value) && value[0] === "append" && typeof value[1] === "string") return true;
  return Object.values(value as object).some(hasTextAppend);
}
