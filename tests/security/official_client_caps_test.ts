// What the stock TLSyncClient does with a push refused for a cap: the server answers `discard`,
// the client reverts its change, reports no sync error and keeps syncing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TLRecord } from "@tldraw/tlschema";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { waitFor } from "../helpers/memory_client.ts";
import { connectWsClient } from "../helpers/official_ws_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { shapeOfBytes, storedDocuments } from "./_security_helpers.ts";

describe("official client and the record caps", () => {
  it("an oversized shape is reverted on the pusher; both clients keep syncing", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, limits: { maxRecordBytes: 8 * 1024 } });
    const a = connectWsClient(`${server.ws}/connect/official-caps`, "a");
    const b = connectWsClient(`${server.ws}/connect/official-caps`, "b");
    try {
      await Promise.all([a.loaded, b.loaded]);

      a.store.put([shapeOfBytes("shape:huge", 9000) as TLRecord]);
      await waitFor(() => !a.store.get("shape:huge" as never), "the pusher reverts the shape");
      a.store.put([geoShape("shape:small", 3, 4) as TLRecord]);
      await waitFor(() => !!b.store.get("shape:small" as never), "a later edit reaches b");
      b.store.put([geoShape("shape:from-b") as TLRecord]);
      await waitFor(() => !!a.store.get("shape:from-b" as never), "b's edit reaches a");
      a.close();
      b.close();
      await server.stop();
      const stored = await storedDocuments(storage, "official-caps");

      assert.equal(b.store.get("shape:huge" as never), undefined);
      assert.deepEqual(a.errors, []);
      assert.deepEqual(b.errors, []);
      assert.equal(stored.has("shape:huge"), false);
      assert.ok(stored.has("shape:small") && stored.has("shape:from-b"));
    } finally {
      a.close();
      b.close();
      await server.stop();
    }
  });
});
