import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RoomCommit, RoomSnapshot, RoomStorage } from "../../src/storage/storage.ts";
import { MemoryRoomStorage } from "../../src/storage/memory_storage.ts";
import { makeHarness, patches, pushResults, settle } from "../helpers/room_harness.ts";
import { geoShape } from "../helpers/records.ts";

/** Storage whose commits resolve only when the test says so. */
class ManualStorage implements RoomStorage {
  inner = new MemoryRoomStorage();
  pending: { commit: RoomCommit; resolve: () => void; reject: (e: Error) => void }[] = [];
  load(): Promise<RoomSnapshot | undefined> {
    return this.inner.load();
  }
  commit(commit: RoomCommit): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        commit,
        resolve: () => {
          this.inner.commit(commit);
          resolve();
        },
        reject,
      });
    });
  }
  close(): void {}
}

/** Storage that asks rooms to gather their commits for 10 ms under load. */
class GatheringStorage extends ManualStorage {
  readonly commitGatherMs = 10;
}

const put = (id: string) => ({ [id]: ["put", geoShape(id)] });

describe("Room durability", () => {
  it("push_result and broadcast wait for the storage commit", async () => {
    const storage = new ManualStorage();
    const h = await makeHarness({ storage });
    const a = await h.connect("a");
    const b = await h.connect("b");

    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });
    const resultsBefore = pushResults(a).length;
    const patchesBefore = patches(b).length;
    storage.pending.shift()!.resolve();
    await settle();

    assert.equal(resultsBefore, 0);
    assert.equal(patchesBefore, 0);
    assert.equal(pushResults(a).length, 1);
    assert.equal(patches(b).length, 1);
  });

  it("with a gather period, an idle room commits at once; under load the next commit waits for the period and is built when it starts, with every change made meanwhile", async () => {
    const storage = new GatheringStorage();
    const h = await makeHarness({ storage });
    const a = await h.connect("a");
    const push = async (clock: number) => {
      h.room.handleSocketMessage(
        "a",
        JSON.stringify({ type: "push", clientClock: clock, diff: put(`shape:${clock}`) }),
        a,
      );
      await settle();
    };
    await push(1);
    assert.equal(storage.pending.length, 1, "idle: the first commit starts in the same task");
    storage.pending.shift()!.resolve();
    await settle();
    await push(2);
    await push(3);
    assert.equal(storage.pending.length, 0, "under load: waiting for the period");
    h.time.tick(9);
    await settle();
    assert.equal(storage.pending.length, 0);
    h.time.tick(1);
    await settle();
    assert.equal(storage.pending.length, 1);
    const second = storage.pending.shift()!;
    assert.deepEqual(second.commit.puts.map((d) => d.state.id).sort(), ["shape:2", "shape:3"]);
    second.resolve();
    await settle();

    await push(4);
    assert.equal(storage.pending.length, 0, "waiting for the period again");
    const closing = h.room.close();
    await settle();
    assert.equal(storage.pending.length, 1, "closing starts the waiting commit at once");
    assert.deepEqual(storage.pending[0]!.commit.puts.map((d) => d.state.id), ["shape:4"]);
    storage.pending.shift()!.resolve();
    await closing;
    assert.deepEqual(pushResults(a).map((r) => r["clientClock"]), [1, 2, 3, 4]);
  });

  it("a paced commit's release reaches peers when it lands, inside their batching window; an unpaced one waits for the window", async () => {
    const framesAfterTwoCommits = async (storage: ManualStorage, period: number) => {
      const h = await makeHarness({ storage });
      const a = await h.connect("a");
      const b = await h.connect("b");
      h.time.tick(50);
      const before = b.frames.length;
      for (const clock of [1, 2]) {
        const push = { type: "push", clientClock: clock, diff: put(`shape:${clock}`) };
        h.room.handleSocketMessage("a", JSON.stringify(push), a);
        if (clock === 2) h.time.tick(period); // the paced room waits for the period
        await settle();
        storage.pending.shift()!.resolve();
        await settle();
      }
      const inWindow = b.frames.length - before;
      h.time.tick(17);
      return { inWindow, total: b.frames.length - before };
    };

    const paced = await framesAfterTwoCommits(new GatheringStorage(), 10);
    const unpaced = await framesAfterTwoCommits(new ManualStorage(), 0);

    assert.deepEqual(paced, { inWindow: 2, total: 2 });
    assert.deepEqual(unpaced, { inWindow: 1, total: 2 });
  });

  it("pushes arriving during a commit share the next commit (group commit)", async () => {
    const storage = new ManualStorage();
    const h = await makeHarness({ storage });
    const a = await h.connect("a");

    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });
    for (let i = 2; i <= 5; i++) {
      await h.send("a", a, { type: "push", clientClock: i, diff: put(`shape:${i}`) });
    }
    storage.pending.shift()!.resolve();
    await settle();
    const second = storage.pending.shift()!;
    second.resolve();
    await settle();
    h.time.tick(50);

    assert.equal(second.commit.puts.length, 4);
    assert.equal(second.commit.documentClock, 5);
    assert.deepEqual(pushResults(a).map((r) => r["clientClock"]), [1, 2, 3, 4, 5]);
    assert.equal(storage.pending.length, 0);
  });

  it("what one commit releases reaches each session in one frame, in push order, only once durable", async () => {
    const storage = new ManualStorage();
    const h = await makeHarness({ storage });
    const a = await h.connect("a");
    const b = await h.connect("b");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });
    for (let i = 2; i <= 4; i++) {
      await h.send("a", a, { type: "push", clientClock: i, diff: put(`shape:${i}`) });
    }
    storage.pending.shift()!.resolve(); // push 1; pushes 2-4 share the next commit
    await settle();
    h.time.tick(50);
    const [aBefore, bBefore] = [a.frames.length, b.frames.length];
    assert.deepEqual(pushResults(a).map((r) => r["clientClock"]), [1]);

    storage.pending.shift()!.resolve();
    await settle();

    assert.equal(a.frames.length, aBefore + 1);
    assert.equal(b.frames.length, bBefore + 1);
    const aData = JSON.parse(a.frames.at(-1)!).data as Record<string, unknown>[];
    const bData = JSON.parse(b.frames.at(-1)!).data as Record<string, unknown>[];
    assert.deepEqual(aData.map((m) => [m["type"], m["clientClock"]]), [
      ["push_result", 2],
      ["push_result", 3],
      ["push_result", 4],
    ]);
    assert.deepEqual(bData.map((m) => Object.keys(m["diff"] as object)), [
      ["shape:2"],
      ["shape:3"],
      ["shape:4"],
    ]);
  });

  it("a connect reply is held until the clock it reports is durable", async () => {
    const storage = new ManualStorage();
    const h = await makeHarness({ storage });
    const a = await h.connect("a");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });

    const b = await h.connect("b");
    const before = b.frames.length;
    storage.pending.shift()!.resolve();
    await settle();

    assert.equal(before, 0);
    assert.equal(b.ofType("connect")[0]!["serverClock"], 1);
  });

  it("a failed commit sends no acknowledgement, closes sockets non-fatally and fails the room", async () => {
    const storage = new ManualStorage();
    let failed = false;
    const h = await makeHarness({ storage, onFailed: () => (failed = true) });
    const a = await h.connect("a");

    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });
    storage.pending.shift()!.reject(new Error("disk on fire"));
    await settle();

    assert.equal(pushResults(a).length, 0);
    assert.equal(a.closed?.code, 1011);
    assert.equal(failed, true);
    assert.equal(h.room.isClosed(), true);
    assert.equal(await storage.inner.load(), undefined, "nothing was stored");
  });

  it("flush() resolves once everything is durable", async () => {
    const storage = new ManualStorage();
    const h = await makeHarness({ storage });
    const a = await h.connect("a");
    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });
    let flushed = false;

    const done = h.room.flush().then(() => (flushed = true));
    await settle();
    const early = flushed;
    storage.pending.shift()!.resolve();
    await done;

    assert.equal(early, false);
    assert.equal(flushed, true);
  });

  it("a new room is stored with its first edit, including the seeded document and page", async () => {
    const storage = new MemoryRoomStorage();
    const h = await makeHarness({ storage });
    const a = await h.connect("a");
    const beforeEdit = await storage.load();

    await h.send("a", a, { type: "push", clientClock: 1, diff: put("shape:1") });

    assert.equal(beforeEdit, undefined);
    const ids = (await storage.load())!.documents.map((d) => d.state.id).sort();
    assert.deepEqual(ids, ["document:document", "page:page", "shape:1"]);
  });
});
