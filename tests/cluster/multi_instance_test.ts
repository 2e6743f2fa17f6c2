// Multi-instance: three real server processes share one Deno KV file (TLSYNC_CLUSTER=1). Clients
// on different processes edit one room and converge; then the writer is killed with SIGKILL, the
// survivors elect a new writer, and every acknowledged edit is still there.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ServerProcess, startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { ShapeClient, sleep } from "./_cluster_client.ts";

const ROOM = "cluster-room";

describe("several server processes serve one room", () => {
  it("clients on different processes converge, and survive a kill -9 of the writer", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const env = {
      TLSYNC_DATA: dir.file("kv.sqlite3"),
      TLSYNC_LEASE_MS: "1500",
      TLSYNC_CLUSTER: "1",
    };
    const procs: ServerProcess[] = [];
    const clients: ShapeClient[] = [];
    try {
      for (let i = 0; i < 3; i++) procs.push(await startServerProcess(env));
      const [a, b, c] = procs as [ServerProcess, ServerProcess, ServerProcess];

      // The first connect makes A the room's writer; B and C follow it.
      const ca = new ShapeClient("a", a.port);
      const cb = new ShapeClient("b", b.port);
      const cc = new ShapeClient("c", c.port);
      clients.push(ca, cb, cc);
      await ca.connect(ROOM);
      await cb.connect(ROOM);
      await cc.connect(ROOM);

      for (let i = 0; i < 10; i++) {
        for (const client of clients) client.push(`shape:${client.name}${i}`);
        await sleep(10);
      }
      const all = clients.flatMap((cl) =>
        Array.from({ length: 10 }, (_, i) => `shape:${cl.name}${i}`)
      );
      for (const client of clients) await client.waitForShapes(all);
      for (const client of clients) assert.equal(client.acked.size, 10, `${client.name} acked`);

      // Kill the writer while the followers' clients keep pushing.
      const closedB = cb.raw!.closed;
      const closedC = cc.raw!.closed;
      let n = 0;
      const pushing = (async () => {
        for (; n < 40; n++) {
          if (cb.raw!.ws.readyState === 1) cb.push(`shape:kb${n}`);
          if (cc.raw!.ws.readyState === 1) cc.push(`shape:kc${n}`);
          if (n === 10) a.child.kill("SIGKILL");
          await sleep(15);
        }
      })();
      await pushing;
      await a.kill("SIGKILL");
      const [codeB, codeC] = await Promise.race([
        Promise.all([closedB, closedC]),
        sleep(15_000).then(() => {
          throw new Error("followers did not close their clients after the writer died");
        }),
      ]);
      assert.equal(codeB.code, 1012);
      assert.equal(codeC.code, 1012);
      const ackedBeforeFailover = [...cb.acked, ...cc.acked];

      // The clients reconnect to their own (surviving) processes; one of them becomes the writer.
      await cb.connectRetrying(ROOM);
      await cc.connectRetrying(ROOM);
      for (const client of [cb, cc]) {
        const lost = ackedBeforeFailover.filter((id) => !client.shapes.has(id));
        assert.deepEqual(lost, [], `acknowledged edits lost (seen by ${client.name})`);
      }
      for (let i = 0; i < 10; i++) {
        cb.push(`shape:rb${i}`);
        cc.push(`shape:rc${i}`);
        await sleep(10);
      }
      const after = Array.from({ length: 10 }, (_, i) => [`shape:rb${i}`, `shape:rc${i}`]).flat();
      const everything = [...new Set([...all, ...ackedBeforeFailover, ...after])];
      for (const client of [cb, cc]) await client.waitForShapes(everything);
      assert.equal(
        cb.acked.size + cc.acked.size,
        ackedBeforeFailover.length + 20,
        "every push after failover acked",
      );

      // A late client on a survivor sees the same room.
      const late = new ShapeClient("late", c.port);
      clients.push(late);
      await late.connectRetrying(ROOM);
      await late.waitForShapes(everything);
      console.log(
        `cluster: ${all.length} shapes converged on 3 processes; ${
          ackedBeforeFailover.length - 20
        } ` +
          `acked around the kill -9, all present after failover`,
      );
    } finally {
      for (const client of clients) client.close();
      for (const p of procs) await p.kill("SIGKILL");
      dir.remove();
    }
  });

  it("a multi-megabyte room reaches a follower's client (chunked across KV values)", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const env = {
      TLSYNC_DATA: dir.file("kv.sqlite3"),
      TLSYNC_LEASE_MS: "1500",
      TLSYNC_CLUSTER: "1",
    };
    const procs: ServerProcess[] = [];
    try {
      procs.push(await startServerProcess(env), await startServerProcess(env));
      const [a, b] = procs as [ServerProcess, ServerProcess];
      const writer = await connectRaw(`ws://127.0.0.1:${a.port}/connect/big?sessionId=w`);
      const blob = "0123456789".repeat(3000); // 30 KB per shape
      for (let i = 0; i < 100; i++) {
        const id = `shape:big${i}`;
        writer.send({
          type: "push",
          clientClock: i + 1,
          diff: { [id]: ["put", geoShape(id, i, 0, { meta: { blob } })] },
        });
      }
      await writer.next(
        (m) => m["type"] === "push_result" && m["clientClock"] === 100,
        "acks",
        20_000,
      );
      const started = Date.now();
      const reader = await connectRaw(`ws://127.0.0.1:${b.port}/connect/big?sessionId=r`);
      const reply = reader.messages.find((m) => m["type"] === "connect")!;
      const diff = reply["diff"] as Record<string, [string, { meta?: { blob?: string } }]>;
      const shapes = Object.keys(diff).filter((id) => id.startsWith("shape:"));
      console.log(`cluster: 3 MB connect reply through the bus in ${Date.now() - started} ms`);
      assert.equal(shapes.length, 100);
      assert.equal(diff["shape:big99"]![1].meta?.blob, blob);
      writer.close();
      reader.close();
    } finally {
      for (const p of procs) await p.kill("SIGKILL");
      dir.remove();
    }
  });
});
