// The real server process (`deno serve mod.ts` / `bun run mod.ts`) on a KV file holding what an
// older version or a damaged disk can leave: a journal whose replay cannot be applied (a record
// key over KV's limit), an undecodable record, an unreadable head. Every room still loads or
// exports, across kill -9 and restart; skips are logged with room and key, and counted.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { encodeJson } from "../../src/storage/kv/kv_codec.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { commit } from "../storage/storage_contract.ts";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const TOKEN = "replay-admin-token";
const root = fileURLToPath(new URL("../../", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

async function seed(path: string): Promise<void> {
  const kv = await openKv(path);
  const provider = new KvStorageProvider(kv, { lease: false });
  for (const roomId of ["poisoned", "corrupt", "bad-head", "healthy"]) {
    const room = await provider.openRoom(roomId);
    await room.load();
    await room.commit(
      commit({ puts: [{ state: geoShape(`shape:${roomId}`), lastChangedClock: 1 }] }),
    );
    await room.close(); // checkpointed: what an earlier version stored is head and documents
  }
  const p = new RoomKeys(["tlsync"], "poisoned");
  const staged = commit({
    documentClock: 2,
    puts: [
      { state: geoShape(`shape:${"x".repeat(2100)}`), lastChangedClock: 2 },
      { state: geoShape("shape:journaled"), lastChangedClock: 2 },
    ],
  });
  await kv.atomic().set(p.journalPart(2, 0), encodeJson(staged)).set(
    p.head(),
    encodeJson({
      v: 1,
      documentClock: 2,
      tombstoneHistoryStartsAtClock: 0,
      journal: { clock: 2, parts: 1 },
    }),
  ).commit();
  const c = new RoomKeys(["tlsync"], "corrupt");
  await kv.atomic().set(c.doc("shape:corrupt"), new TextEncoder().encode("{oops")).commit();
  await kv.atomic().set(new RoomKeys(["tlsync"], "bad-head").head(), new Uint8Array([1, 2, 3]))
    .commit();
  kv.close();
}

function diffIds(c: RawClient): string[] {
  const reply = c.messages.find((m) => m["type"] === "connect")!;
  return Object.keys(reply["diff"] as Record<string, unknown>).sort();
}

async function skippedCount(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("tlsync_storage_skipped_entries_total "));
  return Number(line?.split(" ")[1]);
}

describe("stored state that cannot be replayed", () => {
  it(
    "every room still loads or exports, through kill -9 and restart",
    { timeout: 90_000 },
    async () => {
      const dir = tempDir();
      const path = dir.file("kv.sqlite3");
      await seed(path);
      // One process restarted in place: it waits out its predecessor's lease instead of
      // following it (kill9_test.ts covers the default, cluster-routed restart).
      const env = {
        TLSYNC_DATA: path,
        TLSYNC_ADMIN_TOKEN: TOKEN,
        TLSYNC_LEASE_MS: "1000",
        TLSYNC_CLUSTER: "0",
      };
      let server = await startServerProcess(env);
      const clients: RawClient[] = [];
      try {
        const url = (room: string, s: string) =>
          `ws://127.0.0.1:${server.port}/connect/${room}?sessionId=${s}`;
        const poisoned = await connectRaw(url("poisoned", "a")).catch((e) => {
          throw new Error(`${e}: ${server.output()}`);
        });
        const corrupt = await connectRaw(url("corrupt", "a"));
        const healthy = await connectRaw(url("healthy", "a"));
        clients.push(poisoned, corrupt, healthy);
        assert.deepEqual(diffIds(poisoned).filter((id) => id.startsWith("shape:")), [
          "shape:journaled",
          "shape:poisoned",
        ]);
        assert.ok(!diffIds(corrupt).includes("shape:corrupt"));
        assert.ok(diffIds(healthy).includes("shape:healthy"), "other rooms are untouched");
        assert.equal(await skippedCount(server.port), 2);
        const warnings = server.output().split("\n").filter((l) =>
          l.includes("storage_entry_skipped")
        );
        assert.equal(warnings.length, 2);
        assert.ok(
          warnings.some((l) => l.includes('"roomId":"corrupt"') && l.includes("shape:corrupt")),
        );

        // The unreadable head fails closed for clients, but the admin API exports what it can.
        const headers = { authorization: `Bearer ${TOKEN}` };
        const exported = await fetch(`http://127.0.0.1:${server.port}/admin/rooms/bad-head`, {
          headers,
        });
        assert.equal(exported.status, 200);
        assert.equal(exported.headers.get("x-tlsync-salvaged"), "1");
        const snapshot = await exported.json() as { documents: { state: { id: string } }[] };
        assert.ok(snapshot.documents.some((d) => d.state.id === "shape:bad-head"));

        // A push to a room after the skips is durable across kill -9.
        healthy.send({
          type: "push",
          clientClock: 1,
          diff: { "shape:k9": ["put", geoShape("shape:k9")] },
        });
        await healthy.next((m) => m["type"] === "push_result", "push_result");
        for (const c of clients.splice(0)) c.close();
        await server.kill("SIGKILL");
        server = await startServerProcess(env);
        const again = await connectRaw(url("poisoned", "b"));
        const healthy2 = await connectRaw(url("healthy", "b"));
        clients.push(again, healthy2);
        assert.ok(diffIds(again).includes("shape:journaled"));
        assert.ok(diffIds(healthy2).includes("shape:k9"));
        assert.equal(
          await skippedCount(server.port),
          0,
          "the bad journal was cleared on first load",
        );
        for (const c of clients.splice(0)) c.close();
        await server.kill("SIGTERM");

        // The snapshot CLI exports the room whose head is unreadable.
        const args = isBun
          ? ["run", "src/runtime/cli/snapshot_cli.ts", "export", "bad-head"]
          : ["run", "--allow-all", "src/runtime/cli/snapshot_cli.ts", "export", "bad-head"];
        const cli = spawnSync(process.execPath, args, {
          cwd: root,
          env: { ...process.env, TLSYNC_DATA: path },
          encoding: "utf8",
        });
        assert.equal(cli.status, 0, cli.stderr);
        assert.match(cli.stderr, /does not load.*"tlsync","room","bad-head","head"/);
        const ids = (JSON.parse(cli.stdout) as typeof snapshot).documents.map((d) => d.state.id);
        assert.ok(ids.includes("shape:bad-head"));
      } catch (error) {
        throw new Error(`${error}\n${server.output()}`);
      } finally {
        for (const c of clients) c.close();
        await server.kill("SIGKILL");
        dir.remove();
      }
    },
  );
});
