// Seats through a follower: sockets that never send `connect` hold no seat on the process that
// forwards them either. A follower's proxy once counted every forwarded socket as connected, so
// sockets left idle there met an honest user with the final ROOM_FULL (the stock client stops on
// it) while the same room admitted them on the writer. Two servers in one process, one KV.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createKvCluster } from "../../src/cluster/kv_cluster.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import { connectRaw, openRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { connectMessage } from "../security/_security_helpers.ts";

describe("seats through a follower", () => {
  it("idle forwarded sockets hold no seat; connected ones do; the seat cap still holds", {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    // One KV file, a handle per server (each server closes its own), as two processes would.
    const options = { leaseTtlMs: 60_000, pollMs: 10, wakeCheckMs: 20 };
    const a = createKvCluster(await openKv(dir.file("shared.kv")), {
      ...options,
      ownerId: "writer",
    });
    const b = createKvCluster(await openKv(dir.file("shared.kv")), {
      ...options,
      ownerId: "follower",
    });
    const limits = { maxSessionsPerRoom: 3 };
    const writer = await serve({ storage: a.storage, roomRouter: a.roomRouter, limits });
    const follower = await serve({ storage: b.storage, roomRouter: b.roomRouter, limits });
    const open: RawClient[] = [];
    try {
      const first = await connectRaw(`${writer.ws}/connect/r?sessionId=w1`); // takes the lease
      open.push(first);
      for (let i = 0; i < 5; i++) {
        open.push(await openRaw(`${follower.ws}/connect/r?sessionId=i${i}`));
      }

      const honest = await connectRaw(`${follower.ws}/connect/r?sessionId=f1`);
      open.push(honest);
      honest.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:f": ["put", geoShape("shape:f")] },
      });
      const result = await honest.next(
        (m) => m["type"] === "push_result" && m["clientClock"] === 1,
        "push_result through the follower",
      );
      assert.equal(result["action"], "commit");
      await first.next(
        (m) => m["type"] === "patch" && Object.hasOwn(m["diff"] as object, "shape:f"),
        "the writer's client sees it",
      );

      // Connected sessions do take seats on the follower: two more fill its three.
      open.push(await connectRaw(`${follower.ws}/connect/r?sessionId=f2`));
      open.push(await connectRaw(`${follower.ws}/connect/r?sessionId=f3`));
      const fourth = await openRaw(`${follower.ws}/connect/r?sessionId=f4`);
      open.push(fourth);
      fourth.send(connectMessage());
      assert.deepEqual(await fourth.closed, { code: 4099, reason: "ROOM_FULL" });
    } finally {
      for (const c of open) c.close();
      await follower.stop();
      await writer.stop();
      dir.remove();
    }
  });
});
