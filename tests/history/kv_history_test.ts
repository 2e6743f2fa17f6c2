// Room history on KV: every commit of the log is a restore point, it survives reopening, a room
// stored before history gets a base checkpoint at first load, and retention thins the log into
// checkpoints (parts within KV's value limit) on injected time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Room } from "../../src/room/room.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import { resolveHistoryPolicy } from "../../src/storage/history_policy.ts";
import { HistoryPruner } from "../../src/storage/history_pruner.ts";
import { BackendHistory } from "../../src/storage/backend_history.ts";
import { KvHistoryBackend } from "../../src/storage/kv/kv_history_backend.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { LoadContext } from "../../src/storage/kv/kv_load_context.ts";
import {
  type KvStorageOptions,
  KvStorageProvider,
} from "../../src/storage/kv/kv_storage_provider.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { assertReadsBack, canon } from "./_history_helpers.ts";

const HOUR = 3_600_000;

async function openRoom(kv: KvLike, options: KvStorageOptions, time?: FakeTime) {
  const provider = new KvStorageProvider(kv, {
    lease: false,
    ...options,
    ...(time ? { time } : {}),
  });
  const room = await Room.load({
    roomId: "r",
    storage: await provider.openRoom("r"),
    ...(time ? { time } : {}),
  });
  return { provider, room };
}

async function edit(room: Room, states: Map<number, string>, i: number, text = ""): Promise<void> {
  await room.updateStore((s) => s.put(geoShape(`shape:${i % 4}`, i, i, { meta: { text } })));
  states.set(room.getDocumentClock(), canon(room.getSnapshot()));
}

describe("KV room history", () => {
  it("every commit is a restore point, reads back exactly, and survives reopening", async () => {
    const dir = tempDir();
    const path = dir.file("kv.sqlite3");
    const states = new Map<number, string>();
    let kv = await openKv(path);
    const first = await openRoom(kv, { history: {} });
    for (let i = 0; i < 30; i++) await edit(first.room, states, i);
    await first.room.close();
    kv.close();
    kv = await openKv(path);
    const provider = new KvStorageProvider(kv, { lease: false, history: {} });
    const history = (await provider.history("r"))!;
    assert.equal(await assertReadsBack(history, states), 30);
    const { points, truncated } = await history.points({ limit: 5 });
    assert.equal(truncated, true);
    assert.deepEqual(points.map((p) => p.clock), [...states.keys()].slice(-5));
    kv.close();
    dir.remove();
  });

  it("a room stored before history gets a base checkpoint at its first load", async () => {
    const kv = await openKv(":memory:");
    const states = new Map<number, string>();
    const old = await openRoom(kv, {});
    for (let i = 0; i < 5; i++) await edit(old.room, states, i);
    await old.room.close();
    const now = await openRoom(kv, { history: {} });
    const history = (await now.provider.history("r"))!;
    for (let i = 0; i < 200 && (await history.points()).points.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const { points } = await history.points();
    assert.deepEqual(points.map((p) => [p.clock, p.kind]), [[
      now.room.getDocumentClock(),
      "checkpoint",
    ]]);
    await edit(now.room, states, 10);
    await edit(now.room, states, 11);
    assert.equal(await assertReadsBack(history, states), 3);
    await now.room.close();
    kv.close();
  });

  it("retention thins the log into checkpoints; large rooms checkpoint in parts", async () => {
    const kv = await openKv(":memory:");
    const time = new FakeTime(Date.UTC(2026, 0, 1));
    const states = new Map<number, string>();
    const { room } = await openRoom(kv, { history: { passDelayMs: 3_600_000 } }, time);
    const big = "y".repeat(30_000); // 4 shapes of 30 KB: a checkpoint needs several parts
    for (let i = 0; i < 40; i++) {
      await edit(room, states, i, big + i);
      time.tick(HOUR);
    }
    await room.flush();
    const keys = new RoomKeys(["tlsync"], "r");
    const backend = new KvHistoryBackend(kv, keys, new LoadContext("r", () => {}));
    const pruner = new HistoryPruner(backend, {
      policy: resolveHistoryPolicy({ fullMs: 6 * HOUR, hourlyMs: 12 * HOUR }),
      time,
    });
    for (let i = 0; i < 50 && (await pruner.pass()); i++);
    const history = new BackendHistory(backend);
    const { points } = await history.points();
    const now = time.now();
    for (const p of points) {
      assert.equal(p.kind, now - p.time < 6 * HOUR ? "commit" : "checkpoint", `clock ${p.clock}`);
    }
    const daily = points.filter((p) => now - p.time >= 12 * HOUR).map((p) =>
      Math.floor(p.time / (24 * HOUR))
    );
    assert.equal(new Set(daily).size, daily.length, "one per day past hourlyMs");
    let parts = 0;
    for await (const e of kv.list({ prefix: [...keys.root, "history", "part"] })) {
      assert.ok((e.value as Uint8Array).length <= 60_000);
      parts++;
    }
    assert.ok(parts > points.filter((p) => p.kind === "checkpoint").length, `${parts} parts`);
    assert.ok(await assertReadsBack(history, states) > 5);
    await room.close();
    kv.close();
  });
});

describe("KV room history after an off period", () => {
  it("history turned off and on again starts over from the state loaded", async () => {
    const kv = await openKv(":memory:");
    const states = new Map<number, string>();
    const on = await openRoom(kv, { history: {}, checkpoint: { maxEntries: 2 } });
    for (let i = 0; i < 5; i++) await edit(on.room, states, i);
    await on.room.close();
    const keys = new RoomKeys(["tlsync"], "r");
    const backend = new KvHistoryBackend(kv, keys, new LoadContext("r", () => {}));
    await backend.writeCheckpoint((await new BackendHistory(backend).at(3))!, Date.now());
    const off = await openRoom(kv, { checkpoint: { maxEntries: 2 } }); // folds the log away
    for (let i = 5; i < 12; i++) await edit(off.room, states, i);
    await off.room.close();
    const again = await openRoom(kv, { history: {} });
    const history = (await again.provider.history("r"))!;
    const loaded = again.room.getDocumentClock();
    for (let i = 0; i < 200; i++) {
      const { points } = await history.points();
      if (points[0]?.clock === loaded) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await edit(again.room, states, 20);
    const { points } = await history.points();
    assert.deepEqual(points.map((p) => p.clock), [loaded, again.room.getDocumentClock()]);
    assert.equal(await assertReadsBack(history, states), 2);
    await again.room.close();
    kv.close();
  });
});
