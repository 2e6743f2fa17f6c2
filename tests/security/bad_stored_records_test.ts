// A stored room holding records that cannot enter a room (invalid props, an unknown type, deep
// nesting, an over-long id, records a migration throws on, a shape of a bogus type), behind a
// real server on memory and on KV storage: clients get the good records and keep syncing, every
// skip is logged and counted, and the skipped records stay in storage. A room that does not
// load at all (a newer server's schema, a storage error) fails closed with one log line.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { UnknownRecord } from "@tldraw/store";
import { openKvStorage } from "../../src/runtime/default_storage.ts";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import type { RoomStorage, StorageProvider } from "../../src/storage/storage.ts";
import { commit } from "../storage/storage_contract.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { connectRaw, openRaw, type RawClient } from "../helpers/raw_client.ts";
import { serverSchema } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import {
  BAD_COUNT,
  expectedSkips,
  GOOD_IDS,
  LONG_ID,
  oldSchema,
  storedRecords,
} from "../helpers/bad_records.ts";
import { assertStillSyncs, capturingLogger, storedDocuments } from "./_security_helpers.ts";

interface Backend {
  name: string;
  /** KV keys records by id: a record without a string id cannot be stored there. */
  stringIdsOnly: boolean;
  open(): Promise<{ provider: StorageProvider; reopen(): Promise<StorageProvider>; done(): void }>;
}

const backends: Backend[] = [
  {
    name: "memory",
    stringIdsOnly: false,
    open: () => {
      const provider = new MemoryStorageProvider();
      return Promise.resolve({ provider, reopen: () => Promise.resolve(provider), done: () => {} });
    },
  },
  {
    name: "KV",
    stringIdsOnly: true,
    open: async () => {
      const dir = tempDir();
      const path = dir.file("rooms.kv");
      return {
        provider: await openKvStorage(path),
        reopen: () => openKvStorage(path),
        done: () => dir.remove(),
      };
    },
  },
];

async function seed(provider: StorageProvider, records: unknown[], schema = oldSchema()) {
  const room = await provider.openRoom("bad");
  await room.load();
  const puts = records.map((state) => ({ state: state as UnknownRecord, lastChangedClock: 5 }));
  await room.commit(commit({ documentClock: 5, schema, puts }));
  await room.close();
}

function connectIds(c: RawClient): string[] {
  const reply = c.messages.find((m) => m["type"] === "connect")!;
  return Object.keys(reply["diff"] as Record<string, unknown>);
}

function skippedMetric(metrics: string, reason: string): number {
  const line = metrics.split("\n").find((l) =>
    l.startsWith(`tlsync_room_load_skipped_records_total{reason="${reason}"} `)
  );
  return Number(line?.split(" ")[1]);
}

function expectedByReason(notARecord: number): Record<string, number> {
  const counts: Record<string, number> = { NOT_A_RECORD: notARecord, SCHEMA_UNREADABLE: 0 };
  for (const reason of Object.values(expectedSkips(true))) {
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return counts;
}

const badIds = (): string[] =>
  Object.keys(expectedSkips(true)).map((id) => id.endsWith("…") ? LONG_ID : id);

for (const backend of backends) {
  describe(`bad stored records on ${backend.name} storage`, () => {
    it("clients get the good records and sync; skips are logged, counted and kept in storage", async () => {
      const { provider, reopen, done } = await backend.open();
      const records = storedRecords().filter((r) =>
        !backend.stringIdsOnly || typeof (r as { id: unknown }).id === "string"
      );
      const skippedCount = backend.stringIdsOnly ? BAD_COUNT - 1 : BAD_COUNT;
      await seed(provider, records);
      const { logger, lines } = capturingLogger();
      const routes = [adminRoutes({ token: ADMIN_TOKEN })];
      const server = await serve({ storage: provider, logger, routes });
      try {
        const a = await connectRaw(`${server.ws}/connect/bad?sessionId=a`);
        const b = await connectRaw(`${server.ws}/connect/bad?sessionId=b`);
        await assertStillSyncs(a, b, "shape:after");

        const ids = connectIds(a);
        for (const id of GOOD_IDS) assert.ok(ids.includes(id), id);
        for (const id of badIds()) assert.ok(!ids.includes(id), id.slice(0, 40));
        const metrics = server.handler.server.metrics.render();
        const byReason = expectedByReason(backend.stringIdsOnly ? 0 : 1);
        for (const [reason, n] of Object.entries(byReason)) {
          assert.equal(skippedMetric(metrics, reason), n, reason);
        }
        const warned = lines.filter((l) => l.event === "record_skipped");
        assert.equal(warned.length, skippedCount);
        assert.ok(warned.every((l) => l.level === "warn" && l.fields["roomId"] === "bad"));

        // The live room's export leaves the skipped records out; `?stored=1` has them.
        const live = await admin(server, "GET", "/admin/rooms/bad");
        const stored = await admin(server, "GET", "/admin/rooms/bad?stored=1");
        const exported = (r: typeof live) =>
          (r.body["documents"] as { state: { id: string } }[]).map((d) => d.state.id);
        assert.equal(exported(live).length, GOOD_IDS.length + 1);
        assert.equal(stored.headers.get("x-tlsync-salvaged"), "1");
        for (const id of badIds()) assert.ok(exported(stored).includes(id), id.slice(0, 40));
        a.close();
        b.close();
      } finally {
        await server.stop();
      }

      const again = await reopen();
      try {
        const stored = await (await again.openRoom("bad")).load();
        const storedIds = new Set<string>(stored!.documents.map((d) => d.state.id));
        for (const id of badIds()) assert.ok(storedIds.has(id), `kept: ${id.slice(0, 40)}`);
        assert.deepEqual(stored!.schema, serverSchema, "the migration was stored");
        const restarted = await storedDocuments(again, "bad");
        assert.ok(restarted.has("shape:after") && restarted.has("shape:good"));
        assert.equal(restarted.size, GOOD_IDS.length + 1);
      } finally {
        await again.close?.();
        done();
      }
    });
  });
}

describe("a room that does not load at all", () => {
  it("a newer server's stored schema fails closed: 1011, one clear log line, storage untouched", async () => {
    const provider = new MemoryStorageProvider();
    const newer = structuredClone(serverSchema) as typeof serverSchema & {
      sequences: Record<string, number>;
    };
    newer.sequences["com.tldraw.document"] = 99;
    await seed(provider, storedRecords().slice(0, 3), newer);
    const { logger, lines } = capturingLogger();
    const server = await serve({ storage: provider, logger });
    try {
      const c = await openRaw(`${server.ws}/connect/bad?sessionId=a`);
      assert.equal((await c.closed).code, 1011);
      const failed = lines.find((l) => l.event === "room_load_failed")!;
      const error = String(failed.fields["error"]);
      assert.match(error, /newer server \(com\.tldraw\.document 99 > \d+\).*upgrade/);
      assert.ok(!error.includes("\n"));
      const stored = await (await provider.openRoom("bad")).load();
      assert.deepEqual(stored!.schema, newer);
      assert.equal(stored!.documents.length, 3);
    } finally {
      await server.stop();
    }
  });

  it("a storage error with a multi-line backtrace is logged as one line", async () => {
    const failing: RoomStorage = {
      load: () =>
        Promise.reject(
          new Error("database is locked\n  at frame 0\n  at frame 1\nstack backtrace"),
        ),
      commit: () => {},
      close: () => {},
    };
    const provider: StorageProvider = { openRoom: () => Promise.resolve(failing) };
    const { logger, lines } = capturingLogger();
    const server = await serve({ storage: provider, logger });
    try {
      const c = await openRaw(`${server.ws}/connect/locked?sessionId=a`);
      assert.equal((await c.closed).code, 1011);
      const failed = lines.find((l) => l.event === "room_load_failed")!;
      assert.equal(
        failed.fields["error"],
        "Error: database is locked",
      );
    } finally {
      await server.stop();
    }
  });
});
