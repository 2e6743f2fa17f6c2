// Over real sockets: a record whose KV key is over Deno KV's 2 KiB limit fails only its own
// commit (small or journaled). Nothing is journaled, the room stays loadable (also after a
// restart), and other rooms and sessions keep working. A long key prefix stands in for engine
// caps configured large: the 450-byte id passes any id cap of 512 bytes yet its key does not fit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const prefix: KvKey = ["p".repeat(1600)];
const longId = `shape:${"x".repeat(444)}`;

async function push(c: RawClient, clientClock: number, diff: Record<string, unknown>) {
  c.send({ type: "push", clientClock, diff });
  return await Promise.race([
    c.next((m) => m["type"] === "push_result" && m["clientClock"] === clientClock, "push_result"),
    c.closed.then((e) => ({ closed: e.code })),
  ]);
}

async function countKeys(kv: KvLike, under: KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix: under })) n++;
  return n;
}

describe("KV key limits over real sockets", () => {
  it(
    "an oversized key fails its push alone (small and journaled); the room reloads and others keep working",
    {
      timeout: 60_000,
    },
    async () => {
      const dir = tempDir();
      const path = dir.file("kv.sqlite3");
      const kv = await openKv(path);
      let server = await serve({ storage: new KvStorageProvider(kv, { prefix }) });
      const clients: RawClient[] = [];
      try {
        const victim = await connectRaw(`${server.ws}/connect/victim?sessionId=v`);
        const bystander = await connectRaw(`${server.ws}/connect/bystander?sessionId=b`);
        clients.push(victim, bystander);
        assert.equal(
          (await push(victim, 1, { "shape:ok": ["put", geoShape("shape:ok")] }) as Record<
            string,
            unknown
          >)["action"],
          "commit",
        );

        const small = await push(victim, 2, { [longId]: ["put", geoShape(longId)] });
        assert.ok(!("action" in small) || small["action"] !== "commit", "never acknowledged");
        assert.equal((await victim.closed).code, 1011);

        // Journaled: a push too big for one atomic, carrying the same bad record.
        const again = await connectRaw(`${server.ws}/connect/victim?sessionId=v2`);
        clients.push(again);
        const many: Record<string, unknown> = { [longId]: ["put", geoShape(longId)] };
        for (let i = 0; i < 1200; i++) many[`shape:m${i}`] = ["put", geoShape(`shape:m${i}`)];
        const big = await push(again, 1, many);
        assert.ok(!("action" in big) || big["action"] !== "commit");
        assert.equal((await again.closed).code, 1011);
        assert.equal(await countKeys(kv, [...prefix, "room", "victim", "journal"]), 0);

        // The bystander's session was never disturbed.
        assert.equal(
          (await push(bystander, 1, { "shape:b": ["put", geoShape("shape:b")] }) as Record<
            string,
            unknown
          >)["action"],
          "commit",
        );
        // The victim room loads again, with what was acknowledged.
        const fresh = await connectRaw(`${server.ws}/connect/victim?sessionId=f`);
        clients.push(fresh);
        const reply = fresh.messages.find((m) => m["type"] === "connect")!;
        const ids = Object.keys(reply["diff"] as Record<string, unknown>);
        assert.ok(ids.includes("shape:ok"));
        assert.ok(!ids.includes(longId) && !ids.includes("shape:m0"));
        assert.equal(
          (await push(fresh, 1, { "shape:later": ["put", geoShape("shape:later")] }) as Record<
            string,
            unknown
          >)["action"],
          "commit",
        );

        // And after a restart on the same file.
        for (const c of clients.splice(0)) c.close();
        await server.stop();
        server = await serve({ storage: new KvStorageProvider(await openKv(path), { prefix }) });
        const after = await connectRaw(`${server.ws}/connect/victim?sessionId=r`);
        clients.push(after);
        const ids2 = Object.keys(
          after.messages.find((m) => m["type"] === "connect")!["diff"] as object,
        );
        assert.ok(ids2.includes("shape:ok") && ids2.includes("shape:later"));
      } finally {
        for (const c of clients) c.close();
        await server.stop();
        dir.remove();
      }
    },
  );
});
