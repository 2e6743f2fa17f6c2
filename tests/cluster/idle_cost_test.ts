// Cluster routing is on by default, so it must cost nothing while one process is alone: a
// writer whose rooms nobody follows never lists its bus streams (it lists its ring keys), and its bus
// loop starts when a follower rings and stops once the follower is gone.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createKvCluster } from "../../src/cluster/kv_cluster.ts";
import type { ClusterRouter } from "../../src/cluster/cluster_router.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import type { SocketLike } from "../../src/ports/socket_like.ts";
import { systemTime } from "../../src/ports/time_source.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import { RoomRegistry } from "../../src/server/room_registry.ts";
import type { ServerEventMap } from "../../src/server/server_events.ts";
import { loggedChannel } from "../../src/ports/event_channel.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { serverSchema } from "../helpers/records.ts";
import { sleep } from "./_cluster_client.ts";

/** `kv`, counting list calls under a `"bus"` key segment. */
function countingKv(kv: KvLike): { kv: KvLike; busLists: () => number } {
  let lists = 0;
  const wrapped: KvLike = {
    get: (key) => kv.get(key),
    list: (selector, options) => {
      if (selector.prefix.includes("bus")) lists++;
      return kv.list(selector, options);
    },
    atomic: () => kv.atomic(),
    close: () => kv.close(),
  };
  return { kv: wrapped, busLists: () => lists };
}

function server(kv: KvLike, ownerId: string): { router: ClusterRouter; registry: RoomRegistry } {
  const cluster = createKvCluster(kv, { ownerId, wakeCheckMs: 20, pollMs: 10, leaseTtlMs: 60_000 });
  const registry = new RoomRegistry({
    storage: cluster.storage,
    time: systemTime,
    logger: silentLogger,
    graceMs: 60_000,
    events: loggedChannel<ServerEventMap>(silentLogger, {}).emitter,
  });
  return { router: cluster.roomRouter(registry) as ClusterRouter, registry };
}

/** Wait (bounded) until `cond` holds. */
async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await sleep(10);
  }
}

describe("cluster routing while alone", () => {
  it("a lone writer reads only its ring keys; a follower wakes its bus loop, which stops after", {
    timeout: 60_000,
  }, async () => {
    const base = await openKv(":memory:");
    const counted = countingKv(base);
    const a = server(counted.kv, "A");
    const b = server(base, "B");
    try {
      // Loaded past the router (as the admin API does): A still notices a follower.
      await a.registry.acquire("r");
      await until(() => a.router.wakeReads >= 5, "five ring probes");
      assert.equal(counted.busLists(), 0, "a lone writer listed its bus");
      assert.equal(a.router.polling, false);

      // B follows A's room: its client's connect reaches A's room and the reply comes back.
      const endpoint = await b.router.acquire("r");
      assert.equal(b.router.polling, true);
      const sent: string[] = [];
      const socket: SocketLike = { readyState: 1, send: (d) => void sent.push(d), close() {} };
      endpoint.handleSocketConnect({ sessionId: "s1", socket });
      endpoint.handleSocketMessage(
        "s1",
        JSON.stringify({
          type: "connect",
          connectRequestId: "c",
          lastServerClock: -1,
          protocolVersion: 8,
          schema: serverSchema,
        }),
        socket,
      );
      await until(() => sent.some((d) => d.includes('"connect"')), "connect reply via A");
      assert.ok(counted.busLists() > 0, "A polled its inbox");

      // The client leaves: B's proxy closes after its grace, A's channel ends, both loops stop.
      endpoint.handleSocketClose("s1", socket);
      await until(() => !a.router.polling && !b.router.polling, "both loops stopped");
      const lists = counted.busLists();
      const reads = a.router.wakeReads;
      await until(() => a.router.wakeReads >= reads + 5, "five more ring probes");
      assert.equal(counted.busLists(), lists, "an idle writer listed its bus again");
    } finally {
      await b.registry.closeAll();
      await a.registry.closeAll();
      await b.router.close();
      await a.router.close();
      base.close();
    }
  });
});
