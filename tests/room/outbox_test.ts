import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DurabilityGate } from "../../src/room/durability_gate.ts";
import { Outbox } from "../../src/room/outbox.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { TestSocket } from "../../src/testing/test_socket.ts";

describe("Outbox", () => {
  it("sends the first data message at once and batches the rest until the window ends", () => {
    const time = new FakeTime();
    const socket = new TestSocket();
    const outbox = new Outbox(socket, time, () => {});

    outbox.sendData('{"n":1}');
    outbox.sendData('{"n":2}');
    outbox.sendData('{"n":3}');
    const early = socket.frames.length;
    time.tick(17);

    assert.equal(early, 1);
    assert.deepEqual(socket.frames, [
      '{"type":"data","data":[{"n":1}]}',
      '{"type":"data","data":[{"n":2},{"n":3}]}',
    ]);
  });

  it("outboxes on one clock share one timer, and each window still ends on time", () => {
    const time = new FakeTime();
    const sockets = Array.from({ length: 50 }, () => new TestSocket());
    const outboxes = sockets.map((socket) => new Outbox(socket, time, () => {}));
    outboxes.forEach((o, i) => (o.sendData(`{"a":${i}}`), o.sendData(`{"b":${i}}`)));
    assert.equal(time.pending, 1);

    time.tick(8);
    const late = new TestSocket();
    const lateBox = new Outbox(late, time, () => {});
    lateBox.sendData('{"late":1}');
    lateBox.sendData('{"late":2}');
    time.tick(9); // the first 50 windows end; the late one is still open
    assert.ok(sockets.every((s, i) => s.frames[1] === `{"type":"data","data":[{"b":${i}}]}`));
    assert.equal(late.frames.length, 1);
    time.tick(8);
    assert.deepEqual(late.frames[1], '{"type":"data","data":[{"late":2}]}');
    assert.equal(time.pending, 0);
  });

  it("non-data messages flush buffered data first", () => {
    const time = new FakeTime();
    const socket = new TestSocket();
    const outbox = new Outbox(socket, time, () => {});

    outbox.sendData('{"n":1}');
    outbox.sendData('{"n":2}');
    outbox.send('{"type":"custom"}');

    assert.deepEqual(socket.frames.slice(1), [
      '{"type":"data","data":[{"n":2}]}',
      '{"type":"custom"}',
    ]);
  });

  it("sending on a closed socket reports the session dead instead of throwing", () => {
    const socket = new TestSocket();
    let dead = 0;
    const outbox = new Outbox(socket, new FakeTime(), () => dead++);
    socket.close();

    outbox.send('{"type":"custom"}');

    assert.equal(dead, 1);
  });

  it("dispose() drops buffered data and cancels the timer", () => {
    const time = new FakeTime();
    const socket = new TestSocket();
    const outbox = new Outbox(socket, time, () => {});
    outbox.sendData('{"n":1}');
    outbox.sendData('{"n":2}');

    outbox.dispose();
    time.tick(100);

    assert.equal(socket.frames.length, 1);
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

  it("clear() drops everything waiting", () => {
    const gate = new DurabilityGate(0);
    const ran: number[] = [];
    gate.run(1, () => ran.push(1));

    gate.clear();
    gate.advance(1);

    assert.deepEqual(ran, []);
  });
});
