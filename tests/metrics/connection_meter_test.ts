// ConnectionMeter: traffic counting and push timing, driven by a fake clock.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionMeter } from "../../src/metrics/connection_meter.ts";
import { SyncMetrics } from "../../src/metrics/sync_metrics.ts";

function setup(): { metrics: SyncMetrics; meter: ConnectionMeter; clock: { ms: number } } {
  const clock = { ms: 1000 };
  const metrics = new SyncMetrics({ now: () => clock.ms });
  return { metrics, meter: new ConnectionMeter(metrics), clock };
}

describe("ConnectionMeter", () => {
  it("counts frames and UTF-8 bytes both ways", () => {
    const { metrics, meter } = setup();

    meter.received("é!");
    meter.received(new Uint8Array(10));
    meter.sent("abc");

    assert.equal(metrics.messagesIn.get(), 2);
    assert.equal(metrics.bytesIn.get(), 13);
    assert.equal(metrics.messagesOut.get(), 1);
    assert.equal(metrics.bytesOut.get(), 3);
  });

  it("times a push from its frame to the frame carrying its push_result", () => {
    const { metrics, meter, clock } = setup();

    meter.received('{"type":"push","clientClock":7,"diff":{}}');
    clock.ms += 250;
    meter.sent('{"type":"data","data":[{"type":"patch","diff":{},"serverClock":3}]}');
    meter.sent(
      '{"type":"data","data":[{"type":"push_result","clientClock":7,"serverClock":4,"action":"commit"}]}',
    );

    assert.equal(metrics.pushDuration.count, 1);
    assert.equal(metrics.pushDuration.sum, 0.25);
  });

  it("times a chunked push from its first chunk; other messages are not timed", () => {
    const { metrics, meter, clock } = setup();

    meter.received('1_{"type":"push","clientClock":2,"diff":');
    meter.received('{"type":"ping"}');
    clock.ms += 10;
    meter.received("0_{}}");
    meter.sent('{"type":"data","data":[{"type":"push_result","clientClock":2,"action":"commit"}]}');

    assert.equal(metrics.pushDuration.count, 1);
    assert.equal(metrics.pushDuration.sum, 0.01);
  });
});

describe("ConnectionMeter byte counts", () => {
  it("counts UTF-8 bytes of short, long and repeated frames like TextEncoder", () => {
    const { metrics, meter } = setup();
    const encoder = new TextEncoder();
    const frames = [
      "x".repeat(127),
      "é".repeat(200) + "😀",
      "a\ud83d", // lone surrogate: U+FFFD's 3 bytes
      "€".repeat(16_384), // longest frame on the scratch path, 3 bytes each
      "😀".repeat(9_000), // past the scratch path
      "😀".repeat(9_000), // the same text again
      "y".repeat(40_000),
    ];
    let expected = 0;
    for (const frame of frames) {
      meter.sent(frame);
      expected += encoder.encode(frame).byteLength;
    }

    assert.equal(metrics.messagesOut.get(), frames.length);
    assert.equal(metrics.bytesOut.get(), expected);
  });
});
