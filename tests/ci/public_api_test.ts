import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

const ROOT = new URL("../../", import.meta.url);
const config = JSON.parse(readFileSync(new URL("deno.json", ROOT), "utf8")) as {
  exports: Record<string, string>;
};

/** Values each entry point must export (types are checked by `deno check` and `deno doc`). */
const EXPECTED: Record<string, string[]> = {
  ".": ["default", "createSyncHandler", "openKvStorage", "openKv", "CloseCode", "CloseReason"],
  "./room": ["Room", "DEFAULT_ROOM_LIMITS", "LimitExceeded", "MemoryStorageProvider"],
  "./kv": ["KvStorageProvider", "KvRoomStorage", "KV_LIMITS"],
  "./cluster": ["createKvCluster"],
  "./admin": ["adminRoutes"],
  "./metrics": ["metricsRoute", "SyncMetrics", "MetricsRegistry", "Counter"],
  "./assets": ["assetRoutes", "MemoryAssetStore", "KvAssetStore", "MemoryQuotaLedger"],
  "./unfurl": ["unfurl", "unfurlRoute", "systemResolveHost"],
  "./testing": ["FakeTime", "TestSocket"],
};

/** Names that live in a subpath and must not grow back into the root entry point. */
const NOT_AT_ROOT = ["Room", "createKvCluster", "adminRoutes", "metricsRoute", "assetRoutes"];

describe("public API (deno.json exports)", () => {
  it("lists exactly the designed entry points", () => {
    assert.deepEqual(Object.keys(config.exports).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [entry, names] of Object.entries(EXPECTED)) {
    it(`${entry} is a documented mod.ts exporting ${names.join(", ")}`, async () => {
      const file = config.exports[entry]!;
      assert.match(file, /(^|\/)mod\.ts$/);
      const text = readFileSync(new URL(file, ROOT), "utf8");
      assert.match(text, /@module/);
      assert.match(text, /@example/);
      const mod = await import(new URL(file, ROOT).href) as Record<string, unknown>;
      for (const name of names) assert.notEqual(mod[name], undefined, `${entry} lacks ${name}`);
    });
  }

  it("keeps subpath names out of the root entry point", async () => {
    const root = await import(new URL(config.exports["."]!, ROOT).href) as Record<string, unknown>;
    for (const name of NOT_AT_ROOT) assert.equal(root[name], undefined, `root exports ${name}`);
  });
});
