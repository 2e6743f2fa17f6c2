// Single writer per room across processes, cluster routing turned off (TLSYNC_CLUSTER=0): two
// real servers on one Deno KV file. The one that holds the room's lease serves it; the other
// refuses (1011, the client retries) until the lease is released, then serves every edit the
// first one acknowledged. (By default the other follows instead: tests/cluster/.)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openRaw } from "../helpers/raw_client.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const connect = {
  type: "connect",
  connectRequestId: "c",
  lastServerClock: -1,
  protocolVersion: 8,
  schema: serverSchema,
};

describe("two server processes on one room", () => {
  it("one wins; the other serves the room only after the lease is released, losing nothing", {
    timeout: 90_000,
  }, async () => {
    const dir = tempDir();
    const env = {
      TLSYNC_DATA: dir.file("kv.sqlite3"),
      TLSYNC_LEASE_MS: "1500",
      TLSYNC_CLUSTER: "0",
    };
    const a = await startServerProcess(env);
    const b = await startServerProcess(env);
    try {
      const writer = await openRaw(`ws://127.0.0.1:${a.port}/connect/shared?sessionId=w`);
      writer.send(connect);
      await writer.next((m) => m["type"] === "connect", "connect on A");
      for (let clock = 1; clock <= 20; clock++) {
        const id = `shape:two${clock}`;
        writer.send({ type: "push", clientClock: clock, diff: { [id]: ["put", geoShape(id)] } });
      }
      await writer.next(
        (m) => m["type"] === "push_result" && m["clientClock"] === 20,
        "20 acknowledgements",
        10_000,
      );

      // While A holds the room, B cannot open it: its client is closed (retryable) after B
      // waited out the lease, and gets no connect reply.
      const loser = await openRaw(`ws://127.0.0.1:${b.port}/connect/shared?sessionId=l`);
      loser.send(connect);
      const refused = await Promise.race([
        loser.closed,
        new Promise<null>((r) => setTimeout(() => r(null), 20_000)),
      ]);
      assert.ok(refused, "B closed its session while A held the room");
      assert.equal(refused.code, 1011);
      assert.equal(loser.messages.some((m) => m["type"] === "connect"), false);

      // A shuts down cleanly (releasing the lease); B now serves every acknowledged edit.
      writer.close();
      await a.kill("SIGTERM");
      const reader = await openRaw(`ws://127.0.0.1:${b.port}/connect/shared?sessionId=r`);
      reader.send(connect);
      const reply = await reader.next((m) => m["type"] === "connect", "connect on B", 20_000);
      const ids = Object.keys(reply["diff"] as object).filter((id) => id.startsWith("shape:"));
      assert.equal(ids.length, 20);
      reader.send({
        type: "push",
        clientClock: 1,
        diff: { "shape:fromB": ["put", geoShape("shape:fromB")] },
      });
      const result = await reader.next((m) => m["type"] === "push_result", "B accepts writes");
      assert.equal(result["action"], "commit");
      reader.close();
    } finally {
      await a.kill("SIGKILL");
      await b.kill("SIGTERM");
      dir.remove();
    }
  });
});
