// Presence identity: when `authorize` returns a userId (and userName), the session's presence
// always carries them, whatever the client pushes; without one, presence is stored as pushed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TLRecord } from "@tldraw/tlschema";
import { waitFor } from "../helpers/memory_client.ts";
import { connectWsClient } from "../helpers/official_ws_client.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { presence } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { assertStillSyncs, pushResult, userFromUrl } from "./_security_helpers.ts";

type Presence = { userId?: string; userName?: string; cursor?: { x: number } };

/** The presence of another session as `client` last saw it. */
function seenPresence(client: RawClient): Presence | undefined {
  let seen: Presence | undefined;
  for (const m of client.messages) {
    if (m["type"] !== "patch") continue;
    for (const [id, op] of Object.entries(m["diff"] as Record<string, unknown[]>)) {
      if (!id.startsWith("instance_presence:")) continue;
      if (op[0] === "put") seen = op[1] as Presence;
      if (op[0] === "patch" && seen) {
        for (const [k, v] of Object.entries(op[1] as Record<string, unknown[]>)) {
          if (v[0] === "put") (seen as Record<string, unknown>)[k] = v[1];
        }
      }
    }
  }
  return seen;
}

describe("presence identity", () => {
  it("the authorized userId and userName replace what the client claims", async () => {
    const server = await serve({ authorize: userFromUrl });
    try {
      const alice = await connectRaw(`${server.ws}/connect/p?sessionId=a&user=alice&name=Alice`);
      const peer = await connectRaw(`${server.ws}/connect/p?sessionId=b&user=user:bob&name=Bob`);

      const claim = { ...presence("instance_presence:x"), userId: "user:bob", userName: "Bob" };
      alice.send({ type: "push", clientClock: 1, presence: ["put", claim] });
      await pushResult(alice, 1);
      alice.send({
        type: "push",
        clientClock: 2,
        presence: ["patch", {
          userId: ["put", "user:bob"],
          cursor: ["put", { x: 9, y: 9, type: "default", rotation: 0 }],
        }],
      });
      const patched = await pushResult(alice, 2);
      await waitFor(() => seenPresence(peer)?.cursor?.x === 9, "the cursor move");
      await assertStillSyncs(peer, alice, "shape:from-bob");

      assert.notEqual(patched["action"], "discard");
      assert.deepEqual(
        { userId: seenPresence(peer)?.userId, userName: seenPresence(peer)?.userName },
        { userId: "user:alice", userName: "Alice" },
      );
      alice.close();
      peer.close();
    } finally {
      await server.stop();
    }
  });

  it("a userId without userName keeps the pushed name; no identity keeps both", async () => {
    const server = await serve({ authorize: userFromUrl });
    try {
      const named = await connectRaw(`${server.ws}/connect/q?sessionId=a&user=carol`);
      const anon = await connectRaw(`${server.ws}/connect/q?sessionId=b`);
      const watcher = await connectRaw(`${server.ws}/connect/q?sessionId=w&user=w`);

      named.send({
        type: "push",
        clientClock: 1,
        presence: ["put", {
          ...presence("instance_presence:x"),
          userId: "user:eve",
          userName: "Carol C.",
        }],
      });
      await pushResult(named, 1);
      await waitFor(() => seenPresence(anon)?.userName === "Carol C.", "carol's presence");
      anon.send({
        type: "push",
        clientClock: 1,
        presence: ["put", {
          ...presence("instance_presence:y"),
          userId: "user:free",
          userName: "Free",
        }],
      });
      await pushResult(anon, 1);
      await waitFor(() => seenPresence(named)?.userId === "user:free", "the anonymous presence");

      assert.deepEqual(
        { userId: seenPresence(anon)?.userId, userName: seenPresence(anon)?.userName },
        { userId: "user:carol", userName: "Carol C." },
      );
      assert.equal(seenPresence(named)?.userName, "Free");
      named.close();
      anon.close();
      watcher.close();
    } finally {
      await server.stop();
    }
  });

  it("the stock client's presence carries the authorized user", async () => {
    const server = await serve({ authorize: userFromUrl });
    const a = connectWsClient(`${server.ws}/connect/stock?user=alice&name=Alice`, "a");
    const b = connectWsClient(`${server.ws}/connect/stock?user=bob&name=Bob`, "b");
    try {
      await Promise.all([a.loaded, b.loaded]);
      const presenceOfA = (): { userId?: string; userName?: string } | undefined =>
        b.store.allRecords().find((r: TLRecord) => r.typeName === "instance_presence") as never;
      await waitFor(() => presenceOfA() !== undefined, "a's presence at b");

      assert.deepEqual(
        { userId: presenceOfA()?.userId, userName: presenceOfA()?.userName },
        { userId: "user:alice", userName: "Alice" },
      );
      assert.deepEqual([...a.errors, ...b.errors], []);
    } finally {
      a.close();
      b.close();
      await server.stop();
    }
  });
});
