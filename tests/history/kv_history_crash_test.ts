// Crash safety of KV history pruning, at every write: a KvLike that "dies" (refuses every write)
// after N atomics stands in for kill -9 between a checkpoint's parts, its manifest, and the
// deletion of the log entries it replaces. After each crash, every listed restore point still
// reads back exactly, the room still loads its live state, and a restarted pruner finishes the
// work and sweeps half-written checkpoints.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Room } from "../../src/room/room.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import { BackendHistory } from "../../src/storage/backend_history.ts";
import { resolveHistoryPolicy } from "../../src/storage/history_policy.ts";
import { HistoryPruner } from "../../src/storage/history_pruner.ts";
import { KvHistoryBackend } from "../../src/storage/kv/kv_history_backend.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvAtomicLike, KvLike } from "../../src/storage/kv/kv_like.ts";
import { LoadContext } from "../../src/storage/kv/kv_load_context.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { geoShape } from "../helpers/records.ts";
import { assertReadsBack, canon } from "./_history_helpers.ts";

const HOUR = 3_600_000;
const policy = resolveHistoryPolicy({ fullMs: 4 * HOUR, hourlyMs: 8 * HOUR, maxBytes: 600_000 });

/** `kv` until `budget` atomics have committed; after that every commit throws (the process died). */
function dyingKv(kv: KvLike, budget: { left: number }): KvLike {
  return {
    get: (key) => kv.get(key),
    list: (selector, options) => kv.list(selector, options),
    close: () => kv.close(),
    atomic: () => {
      const inner = kv.atomic();
      const op: KvAtomicLike = {
        check: (...c) => (inner.check(...c), op),
        set: (k, v, o) => (inner.set(k, v, o), op),
        delete: (k) => (inner.delete(k), op),
        commit: () => {
          if (budget.left-- <= 0) return Promise.reject(new Error("killed"));
          return inner.commit();
        },
      };
      return op;
    },
  };
}

/** A room with 30 hours of edits (large records: checkpoints span several parts). */
async function scenario() {
  const kv = await openKv(":memory:");
  const time = new FakeTime(Date.UTC(2026, 0, 1));
  const provider = new KvStorageProvider(kv, { lease: false, time, keepLog: true });
  const room = await Room.load({ roomId: "r", storage: await provider.openRoom("r"), time });
  const states = new Map<number, string>();
  for (let i = 0; i < 30; i++) {
    const text = String(i).repeat(25_000);
    await room.updateStore((s) => s.put(geoShape(`shape:${i % 5}`, i, i, { meta: { text } })));
    states.set(room.getDocumentClock(), canon(room.getSnapshot()));
    time.tick(HOUR);
  }
  await room.close();
  const last = room.getDocumentClock();
  return { kv, time, states, last };
}

function backendOn(kv: KvLike): KvHistoryBackend {
  return new KvHistoryBackend(kv, new RoomKeys(["tlsync"], "r"), new LoadContext("r", () => {}));
}

async function pruneUntilDone(pruner: HistoryPruner): Promise<void> {
  for (let i = 0; i < 50 && (await pruner.pass()); i++);
}

describe("KV history crash safety", () => {
  it("a crash at any write of a pruning run leaves every listed point exact", {
    timeout: 120_000,
  }, async () => {
    const probe = await scenario();
    const counter = { left: Infinity };
    await pruneUntilDone(
      new HistoryPruner(backendOn(dyingKv(probe.kv, counter)), { policy, time: probe.time }),
    );
    const writes = Infinity - counter.left; // NaN-safe below
    const total = Number.isFinite(writes) ? writes : 0;
    const measured = await (async () => {
      const budget = { left: 1_000_000 };
      const s = await scenario();
      await pruneUntilDone(
        new HistoryPruner(backendOn(dyingKv(s.kv, budget)), { policy, time: s.time }),
      );
      s.kv.close();
      return 1_000_000 - budget.left;
    })();
    assert.ok(measured > 6, `a full run makes ${measured} atomics`);
    for (let crashAt = 0; crashAt < measured; crashAt++) {
      const s = await scenario();
      const pruner = new HistoryPruner(backendOn(dyingKv(s.kv, { left: crashAt })), {
        policy,
        time: s.time,
      });
      await assert.rejects(pruneUntilDone(pruner), /killed/);
      // Restart: the history as the crash left it.
      const backend = backendOn(s.kv);
      const history = new BackendHistory(backend);
      assert.ok(await assertReadsBack(history, s.states) > 0, `crash at ${crashAt}`);
      const provider = new KvStorageProvider(s.kv, { lease: false, keepLog: true });
      const live = await (await provider.openRoom("r")).load();
      assert.equal(canon(live), s.states.get(s.last), `live state after crash at ${crashAt}`);
      await backend.checkpointStore.sweepOrphans();
      await pruneUntilDone(new HistoryPruner(backend, { policy, time: s.time }));
      const points = await assertReadsBack(history, s.states);
      assert.ok(points > 3, `crash at ${crashAt}: ${points} points`);
      assert.equal(await backend.checkpointStore.sweepOrphans(), 0, "no orphan parts left");
      s.kv.close();
    }
  });
});
