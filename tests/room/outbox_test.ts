import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DurabilityGate } from "../../src/room/durability_gate.ts";
import { Outbox } from "../../src/room/outbox.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { TestSocket } from "../../src/testing/test_socket.ts";

/** Let the current task end: data queued on an idle outbox goes out then. */
const endOfTask = (): Promise<void> => Promise.resolve();

/** An outbox on a fake clock, writing to a recording socket. */
function newOutbox(): { time: FakeTime; socket: TestSocket; outbox: Outbox } {
  const time = new FakeTime();
  const socket = new TestSocket();
  return { time, socket, outbox: new Outbox(socket, time, () => {}) };
}

describe("Outbox", () => {
  it("sends what an idle session gets in one task as one frame, then batches until the window ends", async () => {
    const { time, socket, outbox } = newOutbox();

    outbox.sendData('{"n":1}');
    outbox.sendData('{"n":2}');
    const inTask = socket.frames.length;
    await endOfTask();
    const afterTask = [...socket.frames];
    outbox.sendData('{"n":3}');
    outbox.sendData('{"n":4}');
    await endOfTask();
    const inWindow = socket.frames.length;
    time.tick(17);

    assert.equal(inTask, 0);
    assert.deepEqual(afterTask, ['{"type":"data","data":[{"n":1},{"n":2}]}']);
    assert.equal(inWindow, 1);
    assert.deepEqual(socket.frames, [
      '{"type":"data","data":[{"n":1},{"n":2}]}',
      '{"type":"data","data":[{"n":3},{"n":4}]}',
    ]);
  });

  it("after a window ends with nothing buffered, the next data goes out at the end of its task", async () => {
    const { time, socket, outbox } = newOutbox();
    outbox.sendData('{"n":1}');
    await endOfTask();
    time.tick(17);

    outbox.sendData('{"n":2}');
    await endOfTask();

    assert.deepEqual(socket.frames, [
      '{"type":"data","data":[{"n":1}]}',
      '{"type":"data","data":[{"n":2}]}',
    ]);
  });

  it("data released by a paced commit goes out at the end of its task inside a window, which restarts then", async () => {
    const { time, socket, outbox } = newOutbox();
    outbox.sendData('{"n":1}');
    await endOfTask();
    time.tick(10);
    outbox.sendData('{"n":2}');
    outbox.sendData('{"n":3}', true);
    const inTask = socket.frames.length;
    await endOfTask();
    const afterRelease = socket.frames.length;
    outbox.sendData('{"n":4}');
    time.tick(16); // the first window would have ended by now; the restarted one has not
    const beforeNewWindowEnds = socket.frames.length;
    time.tick(1);

    assert.equal(inTask, 1);
    assert.equal(afterRelease, 2);
    assert.equal(beforeNewWindowEnds, 2);
    assert.deepEqual(socket.frames, [
      '{"type":"data","data":[{"n":1}]}',
      '{"type":"data","data":[{"n":2},{"n":3}]}',
      '{"type":"data","data":[{"n":4}]}',
    ]);
  });

  it("outboxes on one clock share one timer, and each window still ends on time", async () => {
    const time = new FakeTime();
    const sockets = Array.from({ length: 50 }, () => new TestSocket());
    const outboxes = sockets.map((socket) => new Outbox(socket, time, () => {}));
    outboxes.forEach((o, i) => o.sendData(`{"a":${i}}`));
    await endOfTask();
    outboxes.forEach((o, i) => o.sendData(`{"b":${i}}`));
    assert.equal(time.pending, 1);

    time.tick(8);
    const late = new TestSocket();
    const lateBox = new Outbox(late, time, () => {});
    lateBox.sendData('{"late":1}');
    await endOfTask();
    lateBox.sendData('{"late":2}');
    time.tick(9); // the first 50 windows end; the late one is still open
    assert.ok(sockets.every((s, i) => s.frames[1] === `{"type":"data","data":[{"b":${i}}]}`));
    assert.equal(late.frames.length, 1);
    time.tick(8);
    assert.deepEqual(late.frames[1], '{"type":"data","data":[{"late":2}]}');
    assert.equal(time.pending, 0);
  });

  it("non-data messages flush buffered data first, in the same task too", async () => {
    const { time, socket, outbox } = newOutbox();

    outbox.sendData('{"n":1}');
    outbox.send('{"type":"custom"}');
    await endOfTask();
    outbox.sendData('{"n":2}');
    outbox.send('{"type":"other"}');
    await endOfTask();

    assert.deepEqual(socket.frames, [
      '{"type":"data","data":[{"n":1}]}',
      '{"type":"custom"}',
      '{"type":"data","data":[{"n":2}]}',
      '{"type":"other"}',
    ]);
  });

  it("a pong overtakes data queued in the same task", async () => {
    const socket = new TestSocket();
    const outbox = new Outbox(socket, new FakeTime(), () => {});

    outbox.sendData('{"n":1}');
    outbox.sendImmediately('{"type":"pong"}');
    await endOfTask();

    assert.deepEqual(socket.frames, ['{"type":"pong"}', '{"type":"data","data":[{"n":1}]}']);
  });

  it("a message sent alone to several idle sessions is wrapped for each, never mixed up with the previous one", async () => {
    const time = new FakeTime();
    const sockets = [new TestSocket(), new TestSocket(), new TestSocket()];
    const [a, b, c] = sockets.map((socket) => new Outbox(socket, time, () => {}));
    a!.sendData('{"m":1}');
    b!.sendData('{"m":1}');
    c!.sendData('{"m":2}');
    await endOfTask();
    time.tick(17);
    a!.sendData('{"m":1}');
    c!.sendData('{"m":1}');
    await endOfTask();

    assert.deepEqual(sockets.map((s) => s.frames), [
      ['{"type":"data","data":[{"m":1}]}', '{"type":"data","data":[{"m":1}]}'],
      ['{"type":"data","data":[{"m":1}]}'],
      ['{"type":"data","data":[{"m":2}]}', '{"type":"data","data":[{"m":1}]}'],
    ]);
  });

  it("sending on a closed socket reports the session dead instead of throwing", async () => {
    const socket = new TestSocket();
    let dead = 0;
    const outbox = new Outbox(socket, new FakeTime(), () => dead++);
    socket.close();

    outbox.send('{"type":"custom"}');
    outbox.sendData('{"n":1}');
    await endOfTask();

    assert.equal(dead, 2);
  });

  it("dispose() drops buffered data, whether due at the end of the task or in a window", async () => {
    const { time, socket, outbox } = newOutbox();
    outbox.sendData('{"n":1}');
    await endOfTask();
    outbox.sendData('{"n":2}');
    const due = new TestSocket();
    const dueBox = new Outbox(due, time, () => {});
    dueBox.sendData('{"n":3}');

    outbox.dispose();
    dueBox.dispose();
    await endOfTask();
    time.tick(100);

    assert.equal(socket.frames.length, 1);
    assert.equal(due.frames.length, 0);
    assert.equal(time.pending, 0);
  });
});

describe("DurabilityGate", () => {
  it("runs at once what is already durable, holds the rest in order until advanced", () => {
    const gate = new DurabilityGate(3);
    const ran: string[] = [];

    gate.run(3, () => ran.push("a"));
    gate.run(5, () => ran.push("b"));
    gate.run(3, () => ran.push("c")); // must not overtake b
    const before = [...ran];
    gate.advance(4);
    const mid = [...ran];
    gate.advance(5);

    assert.deepEqual(before, ["a"]);
    assert.deepEqual(mid, ["a"]);
    assert.deepEqual(ran, ["a", "b", "c"]);
  });

  it("tells a send whether a paced commit released it", () => {
    const calls: string[] = [];
    for (const paced of [true, false]) {
      const gate = new DurabilityGate(1, paced);
      gate.run(1, (released) => calls.push(`${paced}:now:${released}`));
      gate.run(2, (released) => calls.push(`${paced}:later:${released}`));
      gate.advance(2);
    }

    assert.deepEqual(calls, [
      "true:now:false",
      "true:later:true",
      "false:now:false",
      "false:later:false",
    ]);
  });

  it("clear() drops everything waiting", () => {
    const gate = new DurabilityGate(0);
    const ran: number[] = [];
    gate.run(1, () => ran.push(1));

    gate.clear();
    gate.advance(1);

    assert.deepEqual(ran, []);
  });
});
