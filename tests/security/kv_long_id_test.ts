// The attack that bricked a room: a record id longer than Deno KV's key limit (2 KiB) inside a
// push too large for one atomic (so it is journaled). The engine refuses it before storage sees
// it: the push is discarded, the room keeps syncing and loads again after a restart.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { UnknownRecord } from "@tldraw/store";
import { openKvStorage } from "../../src/runtime/default_storage.ts";
import { KV_LIMITS } from "../../src/storage/kv/kv_limits.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { assertStillSyncs, pushResult, sawInPatch } from "./_security_helpers.ts";

const COUNT = KV_LIMITS.maxMutations + 100; // more records than one KV atomic takes: journaled

function manyShapes(prefix: string): Record<string, ["put", UnknownRecord]> {
  const diff: Record<string, ["put", UnknownRecord]> = {};
  for (let i = 0; i < COUNT; i++) {
    diff[`shape:${prefix}${i}`] = ["put", geoShape(`shape:${prefix}${i}`, i)];
  }
  return diff;
}

function shapeIds(reply: Record<string, unknown> | undefined): string[] {
  return Object.keys((reply?.["diff"] ?? {}) as object).filter((id) => id.startsWith("shape:"));
}

describe("record id over the KV key limit", () => {
  it("a 3 KiB id in a journaled push on KV is discarded; the room loads after restart", async () => {
    const dir = tempDir();
    const path = dir.file("rooms.kv");
    const badId = `shape:${"k".repeat(3 * 1024)}`;
    const first = await serve({ storage: await openKvStorage(path) });
    try {
      const a = await connectRaw(`${first.ws}/connect/kvroom?sessionId=a`);
      const b = await connectRaw(`${first.ws}/connect/kvroom?sessionId=b`);

      a.send({ type: "push", clientClock: 1, diff: manyShapes("ok") }); // journaled, valid
      const control = await pushResult(a, 1);
      a.send({
        type: "push",
        clientClock: 2,
        diff: { ...manyShapes("bad"), [badId]: ["put", geoShape(badId)] },
      });
      const refused = await pushResult(a, 2);
      await assertStillSyncs(b, a, "shape:after");

      assert.equal(control["action"], "commit");
      assert.equal(refused["action"], "discard");
      assert.equal(sawInPatch(b, "shape:bad0") || sawInPatch(b, badId), false);
      a.close();
      b.close();
    } finally {
      await first.stop();
    }

    const second = await serve({ storage: await openKvStorage(path) });
    try {
      const c = await connectRaw(`${second.ws}/connect/kvroom?sessionId=c`);
      const d = await connectRaw(`${second.ws}/connect/kvroom?sessionId=d`);
      await assertStillSyncs(c, d, "shape:after-restart");
      const ids = shapeIds(c.messages.find((m) => m["type"] === "connect"));

      assert.equal(ids.length, COUNT + 1);
      assert.ok(ids.includes("shape:after") && ids.includes(`shape:ok${COUNT - 1}`));
      assert.equal(ids.some((id) => id.startsWith("shape:bad") || id === badId), false);
      c.close();
      d.close();
    } finally {
      await second.stop();
      dir.remove();
    }
  });
});
