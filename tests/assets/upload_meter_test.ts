import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { QuotaGrant } from "../../src/assets/upload_quota.ts";
import { UploadMeter, type UploadMeterOptions } from "../../src/server/routes/_upload_meter.ts";
import { WatchedTime } from "./upload_harness.ts";

/** A body the test feeds by hand. */
function handFed(): { body: ReadableStream<Uint8Array>; feed(n: number): void; end(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    body,
    feed: (n) => controller.enqueue(new Uint8Array(n)),
    end: () => controller.close(),
  };
}

function meterOf(
  body: ReadableStream<Uint8Array>,
  time: WatchedTime,
  reserved: number[],
  options: Partial<UploadMeterOptions> = {},
): UploadMeter {
  return new UploadMeter(body, {
    time,
    idleMs: 30_000,
    deadlineAt: time.now() + 100_000,
    maxBytes: 10_000,
    stepBytes: 1_000,
    reserve: (bytes): Promise<QuotaGrant> => {
      reserved.push(bytes);
      return Promise.resolve({ granted: bytes, used: 0 });
    },
    ...options,
  });
}

describe("UploadMeter", () => {
  it("reserves in steps as bytes arrive, never ahead of them", async () => {
    const time = new WatchedTime();
    const source = handFed();
    const reserved: number[] = [];
    const meter = meterOf(source.body, time, reserved);
    const read = new Response(meter.body).arrayBuffer();

    source.feed(600);
    source.feed(600);
    source.feed(300);
    source.end();
    const bytes = await read;

    assert.equal(bytes.byteLength, 1_500);
    assert.deepEqual(reserved, [1_200, 300]);
    assert.equal(meter.reserved, 1_500);
    assert.equal(meter.refusal, null);
  });

  it("a body that keeps trickling is cut off at the total deadline", async () => {
    const time = new WatchedTime();
    const source = handFed();
    const meter = meterOf(source.body, time, []);
    const read = new Response(meter.body).arrayBuffer().catch((e: unknown) => e);

    for (let i = 0; i < 4; i++) {
      await time.when(() => time.pending === 1);
      time.tick(25_000); // under the idle timeout each time
      source.feed(10);
    }
    await time.when(() => time.pending === 1);
    const idleBeforeDeadline = meter.refusal;
    time.tick(25_000);

    assert.ok((await read) instanceof Error);
    assert.equal(idleBeforeDeadline, null);
    assert.deepEqual(meter.refusal, { kind: "deadline" });
  });

  it("a body past maxBytes is refused before its bytes are reserved", async () => {
    const time = new WatchedTime();
    const source = handFed();
    const reserved: number[] = [];
    const meter = meterOf(source.body, time, reserved, { maxBytes: 900 });
    const read = new Response(meter.body).arrayBuffer().catch((e: unknown) => e);

    source.feed(901);

    assert.ok((await read) instanceof Error);
    assert.deepEqual(meter.refusal, { kind: "too_large" });
    assert.deepEqual(reserved, []);
  });
});
