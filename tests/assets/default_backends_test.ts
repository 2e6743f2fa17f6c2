import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KvAssetStore } from "../../src/assets/kv_asset_store.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { openDefaultBackends } from "../../src/app/default_backends.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { tempDir } from "../helpers/temp_dir.ts";

describe("openDefaultBackends()", () => {
  it("keeps rooms and assets in one KV file, and assets survive a reopen", async () => {
    const dir = tempDir();
    try {
      const path = dir.file("kv.sqlite3");
      const first = await openDefaultBackends(path, { logger: silentLogger });
      await first.assets.put("a.png", new Uint8Array([1, 2, 3]), "image/png");
      await first.storage.close?.();

      const second = await openDefaultBackends(path, { logger: silentLogger });
      const asset = await second.assets.get("a.png");
      await second.storage.close?.();

      assert.ok(first.storage instanceof KvStorageProvider);
      assert.ok(first.assets instanceof KvAssetStore);
      assert.equal(asset?.size, 3);
    } finally {
      dir.remove();
    }
  });
});
