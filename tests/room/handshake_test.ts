import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeHarness } from "../helpers/room_harness.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";

describe("Room handshake", () => {
  it("[HS4] fresh room: wipe_all, protocol 8, clock 0, document and page, echoed request id", async () => {
    const h = await makeHarness();

    const socket = await h.connect("a");

    const [reply] = socket.messages();
    assert.equal(reply!["type"], "connect");
    assert.equal(reply!["hydrationType"], "wipe_all");
    assert.equal(reply!["protocolVersion"], 8);
    assert.equal(reply!["serverClock"], 0);
    assert.equal(reply!["connectRequestId"], "req-a");
    assert.equal(reply!["isReadonly"], false);
    assert.deepEqual(reply!["schema"], serverSchema);
    assert.deepEqual(Object.keys(reply!["diff"] as object).sort(), [
      "document:document",
      "page:page",
    ]);
  });

  for (const v of [undefined, 1, 4]) {
    it(`[HS2] protocol ${v} closes 4099 CLIENT_TOO_OLD`, async () => {
      const h = await makeHarness();

      const socket = await h.connect("a", { protocolVersion: v as number });

      assert.deepEqual(socket.closed, { code: 4099, reason: "CLIENT_TOO_OLD" });
      assert.equal(socket.frames.length, 0);
    });
  }

  it("[HS2] protocol 9 closes 4099 SERVER_TOO_OLD", async () => {
    const h = await makeHarness();

    const socket = await h.connect("a", { protocolVersion: 9 });

    assert.deepEqual(socket.closed, { code: 4099, reason: "SERVER_TOO_OLD" });
  });

  for (const v of [5, 6, 7]) {
    it(`[HS2] protocol ${v} is accepted`, async () => {
      const h = await makeHarness();

      const socket = await h.connect("a", { protocolVersion: v });

      assert.equal(socket.ofType("connect").length, 1);
      assert.equal(socket.closed, null);
    });
  }

  it("[SES4] v6 client with a too-new schema gets incompatibility_error then a plain close", async () => {
    const h = await makeHarness();
    const schema = structuredClone(serverSchema);
    schema.sequences["com.tldraw.shape.geo"] = 999;

    const socket = await h.connect("a", { protocolVersion: 6, schema });

    assert.deepEqual(socket.messages(), [{
      type: "incompatibility_error",
      reason: "serverTooOld",
    }]);
    assert.deepEqual(socket.closed, { code: undefined, reason: undefined });
  });

  it("[HS3] a newer client schema gets SERVER_TOO_OLD", async () => {
    const h = await makeHarness();
    const schema = structuredClone(serverSchema);
    schema.sequences["com.tldraw.shape.geo"] = 999;

    const socket = await h.connect("a", { schema });

    assert.deepEqual(socket.closed, { code: 4099, reason: "SERVER_TOO_OLD" });
  });

  it("[HS3] an unknown client sequence is ignored", async () => {
    const h = await makeHarness();
    const schema = structuredClone(serverSchema);
    schema.sequences["com.example.custom"] = 3;

    const socket = await h.connect("a", { schema });

    assert.equal(socket.ofType("connect").length, 1);
  });

  it("[HS3] a missing schema or one needing a down-less migration gets CLIENT_TOO_OLD", async () => {
    const h = await makeHarness();
    const old = structuredClone(serverSchema);
    old.sequences["com.tldraw.shape"] = 0;

    const a = await h.connect("a", { schema: null });
    const b = await h.connect("b", { schema: old });

    assert.deepEqual(a.closed, { code: 4099, reason: "CLIENT_TOO_OLD" });
    assert.deepEqual(b.closed, { code: 4099, reason: "CLIENT_TOO_OLD" });
  });

  it("[HS4] reconnect at the current clock gets wipe_presence with nothing", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1")] },
    });

    const b = await h.connect("b", { lastServerClock: 1 });

    const reply = b.ofType("connect")[0]!;
    assert.equal(reply["hydrationType"], "wipe_presence");
    assert.deepEqual(reply["diff"], {});
  });

  it("[HS4] a clock from the future gets wipe_all with every document", async () => {
    const h = await makeHarness();

    const socket = await h.connect("a", { lastServerClock: 50 });

    const reply = socket.ofType("connect")[0]!;
    assert.equal(reply["hydrationType"], "wipe_all");
    assert.equal(Object.keys(reply["diff"] as object).length, 2);
  });

  it("[SS15] incremental reconnect: puts changed strictly after the clock, removes for tombstones", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1")] },
    });
    await h.send("a", a, {
      type: "push",
      clientClock: 2,
      diff: { "shape:2": ["put", geoShape("shape:2")] },
    });
    await h.send("a", a, { type: "push", clientClock: 3, diff: { "shape:1": ["remove"] } });

    const b = await h.connect("b", { lastServerClock: 1 });

    const reply = b.ofType("connect")[0]!;
    assert.equal(reply["hydrationType"], "wipe_presence");
    assert.equal(reply["serverClock"], 3);
    assert.deepEqual(Object.keys(reply["diff"] as object).sort(), ["shape:1", "shape:2"]);
    assert.deepEqual((reply["diff"] as Record<string, unknown>)["shape:1"], ["remove"]);
  });

  it("a non-numeric lastServerClock is treated as a fresh client (wipe_all)", async () => {
    const h = await makeHarness();

    const socket = await h.connect("a", { lastServerClock: "x" as unknown as number });

    assert.equal(socket.ofType("connect")[0]!["hydrationType"], "wipe_all");
  });

  it("[RP1] a ping or push before connect gets no reply and is not applied", async () => {
    const h = await makeHarness();
    const socket = h.open("a");

    await h.send("a", socket, { type: "ping" });
    await h.send("a", socket, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1")] },
    });

    assert.equal(socket.frames.length, 0);
    assert.equal(h.room.getRecord("shape:1"), undefined);
  });
});
