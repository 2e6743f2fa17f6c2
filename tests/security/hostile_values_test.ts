// Values JSON can express but a record must not hold, over real sockets: a patch that would make an
// array sparse (a `length` of 2^32 - 1 once froze every room for ~47 s while validators walked it)
// or give it fields JSON never shows (uncounted by the room cap: a server ran out of memory), an id
// with a lone surrogate (two such ids shared one storage key: acknowledged, then lost), and a
// number JSON cannot carry (1e309). Each closes the sender with 4099 INVALID_RECORD; nothing of
// it is stored or broadcast, and the room keeps syncing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { connectRaw, openRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape, presence, serverSchema } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { assertStillSyncs, pushResult, sawInPatch, storedDocuments } from "./_security_helpers.ts";

const INVALID = { code: 4099, reason: "INVALID_RECORD" };

/** `client` sends `text` as is (a frame the JSON encoder of a test could not produce). */
function sendText(client: RawClient, text: string): void {
  client.ws.send(text);
}

describe("hostile values in pushes", () => {
  it("patches that make an array sparse or add hidden fields close the sender", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage });
    const url = (s: string) => `${server.ws}/connect/arrays?sessionId=${s}`;
    try {
      const owner = await connectRaw(url("owner"));
      const peer = await connectRaw(url("peer"));
      owner.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:s": ["put", geoShape("shape:s", 0, 0, { meta: { a: [0] } })] },
      });
      assert.equal((await pushResult(owner, 1))["action"], "commit");

      const attacks = [
        '{"length":["put",4294967295]}',
        '{"4294967294":["put",1]}',
        '{"5":["put",1]}',
        `{"0":["put",1],"hidden":["put","${"x".repeat(100_000)}"]}`,
        '{"0":["delete"]}',
      ];
      const closes = [];
      for (const [i, inner] of attacks.entries()) {
        const attacker = await connectRaw(url(`attacker${i}`));
        sendText(
          attacker,
          `{"type":"push","clientClock":1,"diff":{"shape:s":["patch",{"meta":["patch",{"a":["patch",${inner}]}]}]}}`,
        );
        closes.push(await attacker.closed);
      }
      await assertStillSyncs(owner, peer, "shape:after");
      await server.stop();
      const stored = await storedDocuments(storage, "arrays");

      for (const close of closes) assert.deepEqual(close, INVALID);
      const meta = (stored.get("shape:s") as { meta?: { a?: unknown } } | undefined)?.meta;
      assert.deepEqual(meta?.a, [0]);
      owner.close();
      peer.close();
    } finally {
      await server.stop();
    }
  });

  it("a presence patch that makes an array sparse closes the sender", async () => {
    const server = await serve();
    const url = (s: string) => `${server.ws}/connect/cursor?sessionId=${s}`;
    try {
      const a = await connectRaw(url("a"));
      const b = await connectRaw(url("b"));
      a.send({ type: "push", clientClock: 1, presence: ["put", presence("instance_presence:a")] });
      await pushResult(a, 1);
      sendText(
        a,
        '{"type":"push","clientClock":2,"presence":["patch",{"selectedShapeIds":["patch",{"length":["put",500000000]}]}]}',
      );

      assert.deepEqual(await a.closed, INVALID);
      const c = await connectRaw(url("c"));
      await assertStillSyncs(b, c, "shape:still");
      b.close();
      c.close();
    } finally {
      await server.stop();
    }
  });

  it("an id with a lone surrogate is refused, and the record it would collide with stays", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage });
    const url = (s: string) => `${server.ws}/connect/ids?sessionId=${s}`;
    try {
      const victim = await connectRaw(url("victim"));
      const peer = await connectRaw(url("peer"));
      victim.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:\ufffd": ["put", geoShape("shape:\ufffd", 111, 0)] },
      });
      assert.equal((await pushResult(victim, 1))["action"], "commit");

      const closes = [];
      for (const id of ["shape:\\ud800", "shape:\\udfff", "shape:a\\udc00b"]) {
        const attacker = await connectRaw(url(`attacker-${closes.length}`));
        const record = JSON.stringify(geoShape("ID", 5, 5)).replace('"ID"', `"${id}"`);
        sendText(attacker, `{"type":"push","clientClock":1,"diff":{"${id}":["put",${record}]}}`);
        closes.push(await attacker.closed);
      }
      await assertStillSyncs(victim, peer, "shape:after");
      await server.stop();
      const stored = await storedDocuments(storage, "ids");

      for (const close of closes) assert.deepEqual(close, INVALID);
      assert.equal((stored.get("shape:\ufffd") as { x?: number } | undefined)?.x, 111);
      assert.equal([...stored.keys()].some((id) => /[\ud800-\udfff]/.test(id)), false);
      assert.equal(sawInPatch(peer, "shape:\ud800"), false);
      victim.close();
      peer.close();
    } finally {
      await server.stop();
    }
  });

  it("a malformed record from a client on an older schema is INVALID_RECORD, not CLIENT_TOO_OLD", async () => {
    const server = await serve();
    const url = (s: string) => `${server.ws}/connect/older?sessionId=${s}`;
    try {
      const sequences = (serverSchema as { sequences: Record<string, number> }).sequences;
      const older = {
        schemaVersion: 2,
        sequences: { ...sequences, "com.tldraw.shape.geo": sequences["com.tldraw.shape.geo"]! - 1 },
      };
      const a = await openRaw(url("a"));
      a.send({
        type: "connect",
        connectRequestId: "req",
        lastServerClock: -1,
        protocolVersion: 8,
        schema: older,
      });
      await a.next((m) => m["type"] === "connect", "connect reply");
      const b = await connectRaw(url("b"));
      a.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:bad": ["put", { ...geoShape("shape:bad", 0, 0), props: null }] },
      });

      assert.deepEqual(await a.closed, INVALID);
      const c = await connectRaw(url("c"));
      await assertStillSyncs(b, c, "shape:ok");
      b.close();
      c.close();
    } finally {
      await server.stop();
    }
  });

  it("a number JSON cannot carry (1e309) closes the sender; nothing is stored", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage });
    const url = (s: string) => `${server.ws}/connect/numbers?sessionId=${s}`;
    try {
      const a = await connectRaw(url("a"));
      const b = await connectRaw(url("b"));
      const record = JSON.stringify(geoShape("shape:inf", 0, 0, { meta: { n: 0 } }))
        .replace('"n":0', '"n":1e309');
      sendText(a, `{"type":"push","clientClock":1,"diff":{"shape:inf":["put",${record}]}}`);

      assert.deepEqual(await a.closed, INVALID);
      const c = await connectRaw(url("c"));
      await assertStillSyncs(b, c, "shape:fine");
      await server.stop();
      const stored = await storedDocuments(storage, "numbers");
      assert.equal(stored.has("shape:inf"), false);
      assert.ok(stored.has("shape:fine"));
      b.close();
      c.close();
    } finally {
      await server.stop();
    }
  });
});
