import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { type AtomicResult, KvCommitBatcher } from "../../src/storage/kv/kv_commit_batcher.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import {
  KvStorageProvider,
  MAX_COMMIT_WINDOW_MS,
} from "../../src/storage/kv/kv_storage_provider.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { timedStorage } from "../../src/metrics/timed_storage.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit } from "./storage_contract.ts";

const WINDOW = 4;

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

describe("KvCommitBatcher commit window", () => {
  it("an idle commit goes out at once, with no timer", async () => {
    const t = await heldKv();
    const time = new FakeTime();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10, windowMs: WINDOW, time });
    try {
      const done = write(b, "a");
      assert.equal(t.atomics.length, 1);
      assert.equal(time.pending, 0);
      assert.equal((await done).ok, true);
    } finally {
      t.close();
    }
  });

  it("under load, commits that arrive within the window share one atomic", async () => {
    const t = await heldKv();
    const time = new FakeTime();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10, maxInFlight: 4, windowMs: WINDOW, time });
    try {
      t.hold();
      const first = write(b, "a"); // idle: alone, at once
      const rest = ["b", "c", "d"].map((k) => write(b, k)); // an atomic in flight: load
      assert.deepEqual(t.atomics, [1]);
      t.release();
      await first;
      assert.deepEqual(t.atomics, [1], "gathered commits wait for the window");
      time.tick(WINDOW);
      const results: AtomicResult[] = await Promise.all(rest);
      assert.ok(results.every((r) => r.ok));
      assert.deepEqual(t.atomics, [1, 3]);
      assert.equal(new TextDecoder().decode((await t.kv.get<Uint8Array>(["w", "d"])).value!), "d");
    } finally {
      t.close();
    }
  });

  it("a burst on an idle batcher gathers from the second commit on", async () => {
    const t = await heldKv();
    const time = new FakeTime();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10, windowMs: WINDOW, time });
    try {
      await write(b, "a");
      const burst = ["b", "c"].map((k) => write(b, k)); // the previous came < a window ago
      assert.deepEqual(t.atomics, [1]);
      time.tick(WINDOW);
      await Promise.all(burst);
      assert.deepEqual(t.atomics, [1, 2]);
      time.tick(WINDOW + 1); // quiet again
      await write(b, "e");
      assert.deepEqual(t.atomics, [1, 2, 1]);
    } finally {
      t.close();
    }
  });

  it("a commit never waits longer than the window, however many keep arriving", async () => {
    const t = await heldKv();
    const time = new FakeTime();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 100, windowMs: WINDOW, time });
    try {
      await write(b, "start");
      const pending: Promise<AtomicResult>[] = [];
      for (let i = 0; i < WINDOW; i++) {
        pending.push(write(b, `k${i}`));
        assert.equal(t.atomics.length, 1, `still gathering at +${i} ms`);
        time.tick(1);
      }
      assert.equal(t.atomics.length, 2, "the first waited exactly the window");
      assert.equal(t.atomics[1], WINDOW);
      await Promise.all(pending);
    } finally {
      t.close();
    }
  });

  it("a full atomic goes out before the window ends", async () => {
    const t = await heldKv();
    const time = new FakeTime();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 2, windowMs: WINDOW, time });
    try {
      await write(b, "a");
      const gathered = ["b", "c", "d"].map((k) => write(b, k));
      assert.deepEqual(t.atomics, [1, 2], "two checks fill an atomic: it goes at once");
      time.tick(WINDOW);
      await Promise.all(gathered);
      assert.deepEqual(t.atomics, [1, 2, 1]);
    } finally {
      t.close();
    }
  });

  it("flush sends waiting commits at once, without waiting for the window", async () => {
    const t = await heldKv();
    const time = new FakeTime();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10, windowMs: WINDOW, time });
    try {
      await write(b, "a");
      const waiting = ["b", "c"].map((k) => write(b, k));
      assert.equal(t.atomics.length, 1);
      b.flush();
      assert.deepEqual(t.atomics, [1, 2]);
      assert.equal(time.pending, 0, "no window timer left");
      assert.ok((await Promise.all(waiting)).every((r) => r.ok));
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
    const time = new FakeTime();
    const b = new KvCommitBatcher(t.kv, { maxChecks: 10, windowMs: WINDOW, time });
    try {
      const stale = (await write(b, "lost") as { versionstamp: string }).versionstamp;
      await t.kv.atomic().set(["w", "lost"], new Uint8Array([1])).commit(); // a rival writes
      time.tick(WINDOW + 1);
      t.hold();
      const blocker = write(b, "blocker"); // in flight: what follows gathers
      const results = [write(b, "ok1"), write(b, "lost", stale), write(b, "ok2")];
      t.release();
      await blocker;
      time.tick(WINDOW);
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
