import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeHarness, patches, pushResults, settle } from "../helpers/room_harness.ts";
import { geoShape, presence } from "../helpers/records.ts";

const put = (id: string, x = 0) => ({ [id]: ["put", geoShape(id, x)] });

describe("Room push", () => {
  it("[RP3][RP7][RP8] a new put is stored, broadcast as put, and committed", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");

    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });

    assert.deepEqual(pushResults(a), [{
      type: "push_result",
      clientClock: 1,
      serverClock: 1,
      action: "commit",
    }]);
    assert.deepEqual(patches(b), [{ type: "patch", serverClock: 1, diff: put("shape:1") }]);
    assert.equal(patches(a).length, 0, "never echoed to the pusher");
    assert.equal(h.room.getRecord("shape:1")?.id, "shape:1");
  });

  it("[RP3][RP7] a put over an existing record broadcasts a patch and rebases the pusher with a put", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1", 0) });

    await h.send("a", a, { type: "push", clientClock: 2, diff: put("shape:1", 50) });

    const result = pushResults(a)[1]!;
    assert.deepEqual(result["action"], {
      rebaseWithDiff: { "shape:1": ["put", geoShape("shape:1", 50)] },
    });
    assert.deepEqual(patches(b)[1]!["diff"], { "shape:1": ["patch", { x: ["put", 50] }] });
  });

  it("[RP3][RP7] an identical put is discarded and the clock does not move", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });

    await h.send("a", a, { type: "push", clientClock: 2, diff: put("shape:1") });

    assert.equal(pushResults(a)[1]!["action"], "discard");
    assert.equal(h.room.getDocumentClock(), 1);
  });

  it("[RP4][RP6] patch or remove of a missing record is discarded", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { "shape:x": ["patch", { x: ["put", 1] }] },
    });
    await h.send("a", a, { type: "push", clientClock: 2, diff: { "shape:y": ["remove"] } });

    assert.deepEqual(pushResults(a).map((r) => r["action"]), ["discard", "discard"]);
  });

  it("[RP5] a patch applies and peers get the effective diff", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });

    await h.send("a", a, {
      type: "push",
      clientClock: 2,
      diff: { "shape:1": ["patch", { x: ["put", 7], props: ["patch", { w: ["put", 300] }] }] },
    });

    assert.equal(pushResults(a)[1]!["action"], "commit");
    assert.deepEqual(patches(b)[1]!["diff"], {
      "shape:1": ["patch", { x: ["put", 7], props: ["patch", { w: ["put", 300] }] }],
    });
    assert.equal((h.room.getRecord("shape:1") as unknown as { x: number }).x, 7);
  });

  it("[RP6] a remove deletes, tombstones and broadcasts remove", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });

    await h.send("a", a, { type: "push", clientClock: 2, diff: { "shape:1": ["remove"] } });

    assert.equal(pushResults(a)[1]!["action"], "commit");
    assert.deepEqual(patches(b)[1]!["diff"], { "shape:1": ["remove"] });
    assert.equal(h.room.getSnapshot().tombstones!["shape:1"], 2);
  });

  it("[RP7] a partially applicable push gets rebaseWithDiff with only the effective part", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { ...put("shape:1"), "shape:missing": ["patch", { x: ["put", 3] }] },
    });

    assert.deepEqual(pushResults(a)[0]!["action"], { rebaseWithDiff: put("shape:1") });
  });

  it("[RP2] an unknown record type closes 4099 INVALID_RECORD and applies nothing", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");

    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { ...put("shape:ok"), "bogus:1": ["put", { id: "bogus:1", typeName: "bogus" }] },
    });

    assert.deepEqual(a.closed, { code: 4099, reason: "INVALID_RECORD" });
    assert.equal(h.room.getRecord("shape:ok"), undefined);
    assert.equal(h.room.getDocumentClock(), 0);
    assert.equal(patches(b).length, 0);
    assert.equal(b.closed, null, "other sessions keep working");
  });

  it("[RP2] an invalid record or patch closes 4099 INVALID_RECORD", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });
    const b = await h.connect("b");

    await h.send("a", a, {
      type: "push",
      clientClock: 2,
      diff: { "shape:2": ["put", { ...geoShape("shape:2"), x: "nope" }] },
    });
    await h.send("b", b, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["patch", { props: ["patch", { w: ["put", "wide"] }] }] },
    });

    assert.deepEqual(a.closed, { code: 4099, reason: "INVALID_RECORD" });
    assert.deepEqual(b.closed, { code: 4099, reason: "INVALID_RECORD" });
    assert.equal((h.room.getRecord("shape:1") as unknown as { props: { w: number } }).props.w, 100);
  });

  it("session and presence types cannot be put as documents", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");

    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { "instance_presence:x": ["put", presence("instance_presence:x")] },
    });

    assert.deepEqual(a.closed, { code: 4099, reason: "INVALID_RECORD" });
  });

  it("[RP9] readonly sessions get isReadonly and discard; presence still works", async () => {
    const h = await makeHarness();
    const r = await h.connect("r", { isReadonly: true });
    const b = await h.connect("b");

    await h.send("r", r, { type: "push", clientClock: 1, diff: put("shape:1") });
    await h.send("r", r, {
      type: "push",
      clientClock: 2,
      presence: ["put", presence("instance_presence:any")],
    });

    assert.equal(r.ofType("connect")[0]!["isReadonly"], true);
    assert.deepEqual(pushResults(r).map((m) => m["action"]), ["discard", "commit"]);
    assert.equal(h.room.getRecord("shape:1"), undefined);
    assert.equal(patches(b).length, 1);
  });

  it("[RP10] presence: forced id, never stored, never moves the clock, commit", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const b = await h.connect("b");

    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      presence: ["put", presence("instance_presence:spoofed", 5)],
    });
    await h.send("a", a, {
      type: "push",
      clientClock: 2,
      presence: ["patch", { cursor: ["put", { x: 9, y: 0, type: "default", rotation: 0 }] }],
    });

    assert.deepEqual(pushResults(a).map((m) => [m["action"], m["serverClock"]]), [["commit", 0], [
      "commit",
      0,
    ]]);
    const [first, second] = patches(b);
    const [id, op] = Object.entries(first!["diff"] as object)[0]!;
    assert.notEqual(id, "instance_presence:spoofed");
    assert.equal((op as [string, { id: string }])[1].id, id);
    assert.deepEqual(second!["diff"], {
      [id]: ["patch", { cursor: ["put", { x: 9, y: 0, type: "default", rotation: 0 }] }],
    });
    assert.equal(
      h.room.getSnapshot().documents.some((d) => d.state.typeName === "instance_presence"),
      false,
    );
    assert.equal(h.room.getDocumentClock(), 0);
  });

  it("a string append from a v8 client commits and v7 peers get a put", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    const v7 = await h.connect("old", { protocolVersion: 7 });
    const v8 = await h.connect("new");
    await h.send("a", a, {
      type: "push",
      clientClock: 1,
      diff: { "shape:1": ["put", geoShape("shape:1", 0, 0, { meta: { note: "a" } })] },
    });

    await h.send("a", a, {
      type: "push",
      clientClock: 2,
      diff: { "shape:1": ["patch", { meta: ["patch", { note: ["append", "bc", 1] }] }] },
    });

    assert.equal(pushResults(a)[1]!["action"], "commit");
    assert.deepEqual(patches(v8)[1]!["diff"], {
      "shape:1": ["patch", { meta: ["patch", { note: ["append", "bc", 1] }] }],
    });
    assert.deepEqual(patches(v7)[1]!["diff"], {
      "shape:1": ["patch", { meta: ["patch", { note: ["put", "abc"] }] }],
    });
  });

  it("[RB1] the first data message goes at once, the rest are batched per window", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    a.clear();
    const push = (n: number) =>
      h.room.handleSocketMessage(
        "a",
        JSON.stringify({ type: "push", clientClock: n, diff: put(`shape:${n}`) }),
        a,
      );

    push(1);
    await settle();
    push(2);
    push(3);
    await settle();
    const beforeFlush = a.frames.length;
    h.time.tick(20);

    assert.equal(beforeFlush, 1);
    assert.equal(a.frames.length, 2);
    assert.deepEqual(
      JSON.parse(a.frames[1]!).data.map((m: { clientClock: number }) => m.clientClock),
      [2, 3],
    );
  });

  it("[RB2] pong is sent at once without flushing buffered data", async () => {
    const h = await makeHarness();
    const a = await h.connect("a");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });
    h.room.handleSocketMessage(
      "a",
      JSON.stringify({ type: "push", clientClock: 2, diff: put("shape:2") }),
      a,
    );
    await settle();
    a.clear();

    h.room.handleSocketMessage("a", JSON.stringify({ type: "ping" }), a);

    assert.deepEqual(a.messages(), [{ type: "pong" }]);
  });
});
