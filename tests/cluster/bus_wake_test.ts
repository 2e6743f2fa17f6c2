// How the cluster bus wakes: with a working `kv.watch` (two members in one process share one KV
// handle, whose watch reports the other member's writes) frames hop on the bell alone, every
// poll interval set to ten minutes; without watch the loop polls, backing off when quiet, and
// loses or reorders nothing across quiet spells; a watch that errors or ends falls back to
// polling. The pacer's backoff itself is checked step by step.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BusPacer } from "../../src/cluster/bus_pacer.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import { FakeClient, type Node, node, until, withoutWatch } from "./_bus_nodes.ts";

const NEVER = 600_000; // ten minutes: no poll of that period fires during a test

/** A writer client on `a` and a follower client on `b`, both connected to room `room`. */
async function writerAndFollower(a: Node, b: Node, room: string) {
  const w = new FakeClient(await a.router.acquire(room), "w");
  await w.connect();
  const endpoint = await b.router.acquire(room);
  assert.notEqual(endpoint, b.registry.get(room), "b follows a");
  const f = new FakeClient(endpoint, "f");
  await f.connect();
  return { w, f };
}

/** `f` pushes `n` shapes named `${tag}i`; waits until `f` has their acks and `w` their patches. */
async function hop(w: FakeClient, f: FakeClient, tag: string, n: number): Promise<void> {
  const ids = Array.from({ length: n }, (_, i) => `shape:${tag}${i}`);
  const clocks = ids.map((id) => f.push(id));
  await until(() => clocks.every((c) => f.ackedClocks().includes(c)), `acks of ${tag}`);
  await until(() => ids.every((id) => w.patchedShapes().includes(id)), `patches of ${tag}`);
}

describe("cluster bus on kv.watch", () => {
  it("frames hop on the bell alone (every poll interval ten minutes)", {
    timeout: 60_000,
    // `@deno/kv`'s local (napi) watch on Bun: a handle whose watch was cancelled hangs now and
    // then on a later read or close. Bun watches only remote KVs (the default server polls files).
    skip: typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" &&
      "@deno/kv's local watch hangs its handle after a cancel",
  }, async () => {
    const kv = await openKv(":memory:");
    const options = {
      busWake: "watch",
      pollMs: NEVER,
      hotPollMs: NEVER,
      wakeCheckMs: NEVER,
      watchPollMs: NEVER,
    } as const;
    const a = node(kv, "A", options);
    const b = node(kv, "B", options);
    try {
      const { w, f } = await writerAndFollower(a, b, "r");
      await hop(w, f, "x", 5);
      assert.deepEqual(f.ackedClocks(), [1, 2, 3, 4, 5]);
      assert.deepEqual(w.patchedShapes(), [
        "shape:x0",
        "shape:x1",
        "shape:x2",
        "shape:x3",
        "shape:x4",
      ]);
      // And back: the writer's client edits, the follower's client gets the patch.
      w.push("shape:fromw");
      await until(() => f.patchedShapes().includes("shape:fromw"), "patch to the follower");
      assert.ok(a.router.watching && b.router.watching, "both bells work");
      assert.ok(a.router.bellRings > 0 && b.router.bellRings > 0);
      assert.equal(a.router.wakeReads + b.router.wakeReads, 0, "no ring probe ran");
    } finally {
      await a.registry.closeAll();
      await b.registry.closeAll();
      await b.router.close();
      await a.router.close();
      kv.close();
    }
  });

  it("a watch that errors or ends falls back to polling, and frames still hop", {
    timeout: 60_000,
  }, async () => {
    const base = await openKv(":memory:");
    const streams: ReadableStreamDefaultController<unknown>[] = [];
    // A watch that reports its first state and then nothing: only failing it lets frames move.
    const mute = (): KvLike => ({
      ...withoutWatch(base),
      watch: (_keys: readonly KvKey[]) =>
        new ReadableStream({
          start(controller) {
            streams.push(controller);
            controller.enqueue([]);
          },
        }),
    });
    const options = { busWake: "watch", pollMs: 20, watchPollMs: NEVER } as const;
    const a = node(mute(), "A", options);
    const b = node(mute(), "B", options);
    try {
      await until(() => a.router.watching && b.router.watching, "bells working");
      assert.equal(streams.length, 2);
      streams[0]!.error(new Error("connection reset"));
      streams[1]!.close();
      await until(() => !a.router.watching && !b.router.watching, "bells down");
      const { w, f } = await writerAndFollower(a, b, "r");
      await hop(w, f, "y", 3);
      assert.deepEqual(f.ackedClocks(), [1, 2, 3]);
    } finally {
      await b.close();
      await a.close();
      base.close();
    }
  });
});

describe("cluster bus polling", () => {
  it("backs off when quiet and loses or reorders no frame across quiet spells", {
    timeout: 90_000,
  }, async () => {
    const base = await openKv(":memory:");
    const options = { busWake: "watch", pollMs: 40, hotPollMs: 2 } as const;
    const a = node(withoutWatch(base), "A", options); // asks for watch, has none: polls
    const b = node(withoutWatch(base), "B", options);
    try {
      const { w, f } = await writerAndFollower(a, b, "r");
      const expected: string[] = [];
      for (let round = 0; round < 4; round++) {
        await until(
          () => a.router.pollIntervalMs === 40 && b.router.pollIntervalMs === 40,
          "both loops backed off",
        );
        await hop(w, f, `q${round}_`, 4);
        expected.push(...Array.from({ length: 4 }, (_, i) => `shape:q${round}_${i}`));
      }
      assert.equal(a.router.watching || b.router.watching, false);
      assert.deepEqual(f.ackedClocks(), Array.from({ length: 16 }, (_, i) => i + 1));
      assert.deepEqual(w.patchedShapes(), expected);
    } finally {
      await b.close();
      await a.close();
      base.close();
    }
  });
});

describe("BusPacer", () => {
  function pacer(belled: boolean) {
    let t = 0;
    const p = new BusPacer({
      hotPollMs: 5,
      maxIdlePollMs: 100,
      hotWindowMs: 1000,
      housekeepingMs: 250,
      watchPollMs: 5000,
      belled: () => belled,
      now: () => t,
    });
    return { p, at: (ms: number) => void (t = ms) };
  }

  it("polls fast while hot, doubles up to the cap when quiet, and is hot again on a send", () => {
    const { p, at } = pacer(false);
    p.touch();
    const seen: number[] = [];
    for (const t of [10, 500, 1500, 1600, 1700, 1800, 1900, 2000, 2100]) {
      at(t);
      void p.sleep(t);
      p.wake();
      seen.push(p.intervalMs);
    }
    assert.deepEqual(seen, [5, 5, 10, 20, 40, 80, 100, 100, 100]);
    p.touch();
    assert.equal(p.intervalMs, 5);
    assert.equal(p.takeRead(), true, "polling: every tick reads");
  });

  it("with a bell, a tick reads only after a ring or once per watchPollMs", () => {
    const { p, at } = pacer(true);
    assert.equal(p.takeRead(), true, "first tick");
    at(100);
    assert.equal(p.takeRead(), false);
    p.ring();
    assert.equal(p.rung, true);
    assert.equal(p.takeRead(), true);
    assert.equal(p.takeRead(), false, "a ring is read once");
    at(5200);
    assert.equal(p.takeRead(), true, "the safety read");
  });
});
