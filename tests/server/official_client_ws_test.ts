// The official tldraw client (ClientWebSocketAdapter + TLSyncClient) through the real server
// over real sockets on 127.0.0.1, under whichever runtime runs the tests.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TLRecord } from "@tldraw/tlschema";
import { connectWsClient } from "../helpers/official_ws_client.ts";
import { waitFor } from "../helpers/memory_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";

describe("official client over real WebSockets", () => {
  it("two clients sync creates, updates and deletes through the server", async () => {
    const server = await serve();
    const a = connectWsClient(`${server.ws}/connect/room-ws`, "a");
    const b = connectWsClient(`${server.ws}/connect/room-ws`, "b");
    try {
      await Promise.all([a.loaded, b.loaded]);

      a.store.put([geoShape("shape:w1", 1, 2) as TLRecord]);
      await waitFor(() => !!b.store.get("shape:w1" as never), "create reaches b");
      b.store.update("shape:w1" as never, (r: TLRecord) => ({ ...r, x: 42 }) as never);
      await waitFor(
        () => (a.store.get("shape:w1" as never) as { x?: number } | undefined)?.x === 42,
        "update reaches a",
      );
      a.store.remove(["shape:w1" as never]);
      await waitFor(() => !b.store.get("shape:w1" as never), "delete reaches b");

      assert.deepEqual(a.errors, []);
      assert.deepEqual(b.errors, []);
      assert.equal(server.handler.server.stats().rooms, 1);
    } finally {
      a.close();
      b.close();
      await server.stop();
    }
  });

  it("a refused client gets the 4099 reason as a sync error and stops", async () => {
    const server = await serve({ authorize: () => ({ refuse: "NOT_AUTHENTICATED" }) });
    const a = connectWsClient(`${server.ws}/connect/private`, "a");
    try {
      await waitFor(() => a.errors.length > 0, "sync error");

      assert.deepEqual(a.errors, ["NOT_AUTHENTICATED"]);
    } finally {
      a.close();
      await server.stop();
    }
  });
});
