// Presence identity and session ownership hold for sessions a follower forwards to the room's
// writer (multi-instance): the authorized user travels in the bus's `open` frame.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createKvCluster } from "../../src/cluster/kv_cluster.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import { connectRaw, openRaw, type RawClient } from "../helpers/raw_client.ts";
import { presence } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { pushResult, userFromUrl } from "./_security_helpers.ts";

function presenceUserIds(client: RawClient): string[] {
  return client.messages.flatMap((m) =>
    m["type"] !== "patch" ? [] : Object.entries(m["diff"] as Record<string, unknown[]>)
      .filter(([id, op]) => id.startsWith("instance_presence:") && op[0] === "put")
      .map(([, op]) => (op[1] as { userId: string }).userId)
  );
}

describe("identity through a cluster follower", () => {
  it("a follower's session carries its authorized user to the writer", async () => {
    const dir = tempDir();
    const path = dir.file("cluster.kv");
    const clusterA = createKvCluster(await openKv(path), { pollMs: 10 });
    const clusterB = createKvCluster(await openKv(path), { pollMs: 10 });
    const writer = await serve({ ...clusterA, authorize: userFromUrl });
    const follower = await serve({ ...clusterB, authorize: userFromUrl });
    try {
      const peer = await connectRaw(`${writer.ws}/connect/c?sessionId=p&user=peer`);
      const alice = await connectRaw(`${follower.ws}/connect/c?sessionId=a&user=alice`);
      alice.send({
        type: "push",
        clientClock: 1,
        presence: ["put", { ...presence("instance_presence:x"), userId: "user:peer" }],
      });
      await pushResult(alice, 1);
      const deadline = Date.now() + 10_000;
      while (presenceUserIds(peer).length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const mallory = await openRaw(`${writer.ws}/connect/c?sessionId=a&user=mallory`);
      const refused = await mallory.closed;

      assert.deepEqual(presenceUserIds(peer), ["user:alice"]);
      assert.deepEqual(refused, { code: 4099, reason: "FORBIDDEN" });
      peer.close();
      alice.close();
    } finally {
      await follower.stop();
      await writer.stop();
      dir.remove();
    }
  });
});
