import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeHarness, patches } from "../helpers/room_harness.ts";
import { geoShape } from "../helpers/records.ts";

describe("Room bad input", () => {
  it("[CH4] invalid JSON starting with { closes 4099 UNKNOWN_ERROR; others keep working", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");
    const c = await h.connect("c");

    await h.send("a", a, "{not json");
    await h.send("b", b, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1")] },
    });

    assert.deepEqual(a.closed, { code: 4099, reason: "UNKNOWN_ERROR" });
    assert.equal(patches(c).length, 1);
  });

  it("[CH7] a non-JSON, non-chunk frame closes without a code (client reconnects)", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    await h.send("a", a, "hello");

    assert.deepEqual(a.closed, { code: undefined, reason: undefined });
  });

  it("an unknown message type closes 4099 UNKNOWN_ERROR", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    await h.send("a", a, { type: "nope" });

    assert.deepEqual(a.closed, { code: 4099, reason: "UNKNOWN_ERROR" });
  });

  it("JSON that is not an object closes 4099 UNKNOWN_ERROR", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    await h.send("a", a, "[1,2]");

    assert.notEqual(a.closed, null);
  });

  it("a malformed push diff closes with a 4099 reason and applies nothing", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");

    await h.send("a", a, { type: "push", clientClock: 1, diff: { "shape:1": "put" } });
    await h.send("b", b, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:2")] },
    });

    assert.equal(a.closed?.code, 4099);
    assert.equal(b.closed?.code, 4099, "a put whose record id differs from its key is invalid");
    assert.equal(h.room.getDocumentClock(), 0);
  });

  it("[CH2] chunked frames are reassembled into one push", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const text = JSON.stringify({
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1")] },
    });
    const third = Math.ceil(text.length / 3);

    await h.send("a", a, `2_${text.slice(0, third)}`);
    await h.send("a", a, `1_${text.slice(third, 2 * third)}`);
    await h.send("a", a, `0_${text.slice(2 * third)}`);

    assert.equal(a.ofType("push_result")[0]!["action"], "commit");
  });

  it("binary frames are decoded as UTF-8", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    h.room.handleSocketMessage("a", new TextEncoder().encode('{"type":"ping"}'), a);

    assert.deepEqual(a.messages().at(-1), { type: "pong" });
  });
});
