// The room answers `commit` only when its own diff of a change equals the diff the client sent.
// These pushes are built with the tldraw client's own diffRecord, so the room must choose the
// same ops (nested objects in props put whole, list items entered) to commit them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as syncCore from "@tldraw/sync-core";
import { toRichText } from "@tldraw/tlschema";
import { makeHarness, patches, pushResults } from "../helpers/room_harness.ts";
import { geoShape } from "../helpers/records.ts";

const client = syncCore as unknown as {
  diffRecord(prev: object, next: object, legacyAppendMode: boolean): object | null;
};

describe("pushes diffed by the tldraw client commit", () => {
  const before = geoShape("shape:1", 0, 0, {
    meta: { tags: [{ name: "a" }], note: { by: "x" } },
  }) as unknown as Record<string, unknown>;
  const cases: Array<[string, Record<string, unknown>]> = [
    ["a rich-text edit (a nested object in props)", {
      ...before,
      props: { ...(before["props"] as object), richText: toRichText("hello") },
    }],
    ["a list item's field (meta.tags[0].name)", {
      ...before,
      meta: { tags: [{ name: "ab" }], note: { by: "x" } },
    }],
    ["a nested object in meta", { ...before, meta: { tags: [{ name: "a" }], note: { by: "y" } } }],
  ];
  for (const [name, after] of cases) {
    it(name, async () => {
      const h = await makeHarness();
      const a = await h.connect("a");
      const b = await h.connect("b");
      await h.send("a", a, { type: "push", clientClock: 1, diff: { "shape:1": ["put", before] } });
      const diff = client.diffRecord(before, after, false)!;

      await h.send("a", a, { type: "push", clientClock: 2, diff: { "shape:1": ["patch", diff] } });

      assert.equal(pushResults(a)[1]!["action"], "commit");
      assert.deepEqual(patches(b)[1]!["diff"], { "shape:1": ["patch", diff] });
      assert.deepEqual(h.room.getRecord("shape:1"), after);
    });
  }
});
