// Durability of the log-structured write path at its two crash points, with a real server
// process: acknowledged edits that are only in the room's log (checkpoints held off by huge
// thresholds), and edits split between checkpointed documents and the log after them. The
// process is killed with SIGKILL once every push was acknowledged; the KV file is inspected to
// prove where the edits were, then a new process must serve every one of them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const ROOM = "logged";
const keys = new RoomKeys(["tlsync"], ROOM);

async function connectRetrying(url: string): Promise<RawClient> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await connectRaw(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function count(kv: KvLike, prefix: KvKey, depth: number): Promise<number> {
  let n = 0;
  for await (const e of kv.list({ prefix })) if (e.key.length === prefix.length + depth) n++;
  return n;
}

/** Entries of the room in its own log plus those in the shared journal (`["tlsync","wal"]`). */
async function logged(kv: KvLike): Promise<number> {
  let n = await count(kv, keys.logs(), 1);
  for await (const e of kv.list<Uint8Array>({ prefix: ["tlsync", "wal"] })) {
    const value = JSON.parse(new TextDecoder().decode(e.value));
    if (value.rooms && ROOM in value.rooms) n++;
  }
  return n;
}

/** Push `n` edits one at a time (each its own commit), each acknowledged; then SIGKILL. */
async function ackedThenKilled(env: Record<string, string>, n: number): Promise<string[]> {
  const server = await startServerProcess(env);
  const ids: string[] = [];
  try {
    const writer = await connectRaw(`ws://127.0.0.1:${server.port}/connect/${ROOM}?sessionId=w`);
    for (let clock = 1; clock <= n; clock++) {
      const id = `shape:log${clock}`;
      writer.send({
        type: "push",
        clientClock: clock,
        diff: { [id]: ["put", geoShape(id, clock)] },
      });
      const result = await writer.next(
        (m) => m["type"] === "push_result" && m["clientClock"] === clock,
        `ack ${clock}`,
        10_000,
      );
      assert.equal(result["action"], "commit");
      ids.push(id);
    }
  } finally {
    await server.kill("SIGKILL");
  }
  return ids;
}

async function servedAfterRestart(env: Record<string, string>): Promise<Set<string>> {
  const server = await startServerProcess(env);
  try {
    // The dead process's lease binds until it expires; the client reconnects as clients do.
    const reader = await connectRetrying(
      `ws://127.0.0.1:${server.port}/connect/${ROOM}?sessionId=r`,
    );
    const connect = reader.messages.find((m) => m["type"] === "connect")!;
    reader.close();
    return new Set(Object.keys(connect["diff"] as object));
  } finally {
    await server.kill("SIGTERM");
  }
}

describe("kill -9 with the log-structured KV path", () => {
  it("edits acknowledged but never checkpointed (only in the log) survive SIGKILL", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const env = {
      TLSYNC_DATA: dir.file("kv.sqlite3"),
      TLSYNC_LEASE_MS: "1500",
      TLSYNC_KV_CHECKPOINT_ENTRIES: "100000",
      TLSYNC_KV_CHECKPOINT_BYTES: "1000000000",
      TLSYNC_KV_CHECKPOINT_MS: "86400000",
    };
    try {
      const acked = await ackedThenKilled(env, 40);
      const kv = await openKv(env.TLSYNC_DATA);
      const inLog = await logged(kv);
      const docs = (await Promise.all(acked.map((id) => kv.get(keys.doc(id)))))
        .filter((e) => e.value !== null).length;
      kv.close();
      // The room's first commit (creating it) is a replace, checkpointed at once; none after.
      assert.ok(inLog >= 39, `every later edit is a log or journal entry (${inLog})`);
      assert.ok(docs <= 1, `no later edit was checkpointed (${docs} in document keys)`);
      const stored = await servedAfterRestart(env);
      assert.deepEqual(acked.filter((id) => !stored.has(id)), []);
    } finally {
      dir.remove();
    }
  });

  it("edits split between a checkpoint and the log after it survive SIGKILL", {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const env = {
      TLSYNC_DATA: dir.file("kv.sqlite3"),
      TLSYNC_LEASE_MS: "1500",
      TLSYNC_KV_CHECKPOINT_ENTRIES: "25",
      TLSYNC_KV_CHECKPOINT_BYTES: "1000000000",
      TLSYNC_KV_CHECKPOINT_MS: "86400000",
    };
    try {
      const acked = await ackedThenKilled(env, 60);
      const kv = await openKv(env.TLSYNC_DATA);
      const inLog = await logged(kv);
      const docs = await count(kv, keys.docs(), 1);
      kv.close();
      assert.ok(docs >= 25, `a checkpoint wrote documents (${docs})`);
      assert.ok(inLog >= 1, `and later edits are only in the log or journal (${inLog})`);
      const stored = await servedAfterRestart(env);
      assert.deepEqual(acked.filter((id) => !stored.has(id)), []);
    } finally {
      dir.remove();
    }
  });
});
