import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { type AtomicResult, KvCommitBatcher } from "../../src/storage/kv/kv_commit_batcher.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import {
  KvStorageProvider,
  MAX_COMMIT_WINDOW_MS,
} from "../../src/storage/kv/kv_storage_provider.ts";
import { timedStorage } from "../../src/metrics/timed_storage.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit } from "./storage_contract.ts";

/** A real KV whose atomics are counted (checks per atomic) and held until `release()`. */
async function heldKv() {
  const dir = tempDir();
  const kv = await openKv(dir.file("kv"));
  const atomics: number[] = [];
  const held: (() => void)[] = [];
  let holding = false;
  const wrapped: KvLike = {
    get: (k) => kv.get(k),
    list: (s, o) => kv.list(s, o),
    close: () => kv.close(),
    atomic: () => {
      const op = kv.atomic();
      const index = atomics.push(0) - 1;
      const check = op.check.bind(op);
      op.check = (...c) => {
        atomics[index] += c.length;
        return check(...c);
      };
      const real = op.commit.bind(op);
      op.commit = async () => {
        if (holding) await new Promise<void>((r) => held.push(r));
        return await real();
      };
      return op;
    },
  };
  return {
    kv: wrapped,
    atomics,
    hold: () => holding = true,
    release: () => {
      holding = false;
      for (const r of held.splice(0)) r();
    },
    close: () => {
      kv.close();
      dir.remove();
    },
  };
}

function write(b: KvCommitBatcher, key: string, versionstamp: string | null = null) {
  const k: KvKey = ["w", key];
  return b.commit([{ key: k, versionstamp }], [{ key: k, value: new TextEncoder().encode(key) }]);
}

describe("KvCommitBatcher packing and the rooms' commit window", () => {
  it("a commit goes out at the end of the task it was made in, with no timer", async () => {
    const t = await heldKv();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10 });
    try {
      const done = write(b, "a");
      assert.equal(t.atomics.length, 0, "not inside the call");
      assert.equal((await done).ok, true);
      assert.deepEqual(t.atomics, [1]);
    } finally {
      t.close();
    }
  });

  it("commits made in one task share one atomic", async () => {
    const t = await heldKv();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10, maxInFlight: 4 });
    try {
      const results: AtomicResult[] = await Promise.all(["a", "b", "c"].map((k) => write(b, k)));
      assert.ok(results.every((r) => r.ok));
      assert.deepEqual(t.atomics, [3]);
      assert.equal(new TextDecoder().decode((await t.kv.get<Uint8Array>(["w", "c"])).value!), "c");
    } finally {
      t.close();
    }
  });

  it("commits made while every slot is in flight share the next atomic", async () => {
    const t = await heldKv();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10 });
    try {
      t.hold();
      const first = write(b, "a");
      await Promise.resolve();
      assert.deepEqual(t.atomics, [1], "sent at the end of its task");
      const rest = ["b", "c", "d"].map((k) => write(b, k));
      for (let i = 0; i < 5; i++) await Promise.resolve();
      assert.deepEqual(t.atomics, [1], "the only slot is taken: they wait");
      t.release();
      await first;
      assert.ok((await Promise.all(rest)).every((r) => r.ok));
      assert.deepEqual(t.atomics, [1, 3]);
    } finally {
      t.close();
    }
  });

  it("what does not fit one atomic goes in the next", async () => {
    const t = await heldKv();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 2, maxInFlight: 4 });
    try {
      await Promise.all(["a", "b", "c"].map((k) => write(b, k)));
      assert.deepEqual(t.atomics, [2, 1], "two checks fill an atomic");
    } finally {
      t.close();
    }
  });

  it("flush and an urgent commit send what waits at once, not at the end of the task", async () => {
    const t = await heldKv();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10, maxInFlight: 4 });
    try {
      const waiting = ["a", "b"].map((k) => write(b, k));
      assert.equal(t.atomics.length, 0);
      b.flush();
      assert.deepEqual(t.atomics, [2]);
      const k: KvKey = ["w", "urgent"];
      const urgent = b.commit([{ key: k, versionstamp: null }], [{
        key: k,
        value: new Uint8Array([1]),
      }], true);
      assert.deepEqual(t.atomics, [2, 1]);
      assert.ok((await Promise.all([...waiting, urgent])).every((r) => r.ok));
    } finally {
      t.close();
    }
  });

  it("rooms' commits made in one task share one atomic; the provider's window is the rooms' gather period, capped", async () => {
    const t = await heldKv();
    const provider = new KvStorageProvider(t.kv, { lease: false, commitWindowMs: 10_000 });
    try {
      const rooms = await Promise.all(["a", "b", "c"].map((r) => provider.openRoom(r)));
      for (const room of rooms) await room.load();
      assert.equal(rooms[0]!.commitGatherMs, MAX_COMMIT_WINDOW_MS, "the window, capped");
      const first = (clock: number, id: string) =>
        commit({ puts: [{ state: geoShape(id), lastChangedClock: clock }], documentClock: clock });
      await Promise.all(rooms.map((room, i) => room.commit(first(1, `shape:${i}`))));
      const before = t.atomics.length;
      await Promise.all(rooms.map((room, i) => room.commit(first(2, `shape:${i}b`))));
      assert.deepEqual(t.atomics.slice(before), [3], "one atomic, checking three heads");
      const lone = rooms[0]!.commit(first(3, "shape:lone"));
      await lone;
      assert.equal(t.atomics.length, before + 2, "a lone commit goes out without waiting");
      const idle = new KvStorageProvider(t.kv, { lease: false, commitWindowMs: 0 });
      assert.equal((await idle.openRoom("d")).commitGatherMs, 0);
      // The layers the default server puts around a room keep the period (else rooms never gather).
      const wrapped = timedStorage(
        new KvStorageProvider(t.kv, { lease: false, commitWindowMs: 7, history: {} }),
        { now: () => 0, observeCommit: () => {} },
      );
      assert.equal((await wrapped.openRoom("e")).commitGatherMs, 7);
    } finally {
      t.close();
    }
  });

  it("a stale head in a gathered atomic refuses only that room", async () => {
    const t = await heldKv();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10 });
    try {
      const stale = (await write(b, "lost") as { versionstamp: string }).versionstamp;
      await t.kv.atomic().set(["w", "lost"], new Uint8Array([1])).commit(); // a rival writes
      const results = [write(b, "ok1"), write(b, "lost", stale), write(b, "ok2")];
      const [ok1, lost, ok2] = await Promise.all(results);
      assert.equal(ok1!.ok, true);
      assert.equal(lost!.ok, false);
      assert.equal(ok2!.ok, true);
      assert.equal(t.atomics.filter((c) => c === 3).length, 1, "the three shared one atomic");
      assert.deepEqual([...(await t.kv.get<Uint8Array>(["w", "lost"])).value!], [1]);
      assert.ok((await t.kv.get(["w", "ok2"])).value);
    } finally {
      t.close();
    }
  });
});
