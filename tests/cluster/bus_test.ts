// The cluster bus: frame encoding, chunking across KV values, in-order reassembly, broken-stream
// detection, the sequential writer against a real (in-memory) KV, and locked-commit retries.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BUS_PART_BYTES,
  type BusFrame,
  decodeFrame,
  encodeFrame,
  splitParts,
} from "../../src/cluster/bus_frame.ts";
import { joinBytes as joinParts } from "../../src/storage/kv/kv_codec.ts";
import { readEntries } from "../../src/cluster/bus_io.ts";
import { BusWriter } from "../../src/cluster/bus_writer.ts";
import { collectFrames, type StreamEntry } from "../../src/cluster/collect_frames.ts";
import { isLockedError, lockRetryKv } from "../../src/storage/kv/lock_retry_kv.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { openKv } from "../../src/runtime/open_kv.ts";

function entriesOf(frames: BusFrame[], size = BUS_PART_BYTES, from = 0): StreamEntry[] {
  return frames.flatMap((frame, i) => {
    const parts = splitParts(encodeFrame(frame), size);
    return parts.map((value, part) => ({ tail: [from + i, part, parts.length], value }));
  });
}

describe("bus frames", () => {
  it("round-trip every kind, with newlines and non-ASCII in payloads and ids", () => {
    const frames: BusFrame[] = [
      { k: "open", sid: 1, s: "sess\nion ü", ro: true, m: { user: "Zoë", n: [1, 2] } },
      { k: "msg", sid: 1, d: '{"type":"push"}\n\n{"x":"😀"}' },
      { k: "msg", sid: 2, d: "" },
      { k: "close", sid: 1, c: 1012, r: "Room moved" },
      { k: "close", sid: 3 },
      { k: "beat" },
      { k: "reset", r: "gone" },
    ];
    for (const frame of frames) assert.deepEqual(decodeFrame(encodeFrame(frame)), frame);
  });

  it("a message payload is stored verbatim after the header line", () => {
    const bytes = encodeFrame({ k: "msg", sid: 7, d: '{"a":1}' });
    assert.equal(new TextDecoder().decode(bytes), '{"k":"msg","sid":7}\n{"a":1}');
  });

  it("large frames split into parts under the KV value limit and join back", () => {
    const big = "x".repeat(3 * 1024 * 1024 + 17);
    const parts = splitParts(encodeFrame({ k: "msg", sid: 1, d: big }));
    assert.equal(parts.length, Math.ceil((big.length + 20) / BUS_PART_BYTES));
    assert.ok(parts.every((p) => p.length <= BUS_PART_BYTES && p.length < 65_536));
    assert.deepEqual(decodeFrame(joinParts(parts)), { k: "msg", sid: 1, d: big });
    assert.equal(splitParts(new Uint8Array(0)).length, 1);
  });
});

describe("collectFrames", () => {
  const frames: BusFrame[] = [
    { k: "msg", sid: 1, d: "a".repeat(250) },
    { k: "beat" },
    { k: "msg", sid: 1, d: "b".repeat(90) },
  ];

  it("reassembles multi-part frames in seq order", () => {
    const got = collectFrames(entriesOf(frames, 64), 0);
    assert.deepEqual(got.frames, frames);
    assert.equal(got.nextSeq, 3);
    assert.equal(got.broken, false);
    assert.equal(got.consumed.length, entriesOf(frames, 64).length);
  });

  it("stops at a frame whose parts are still being written", () => {
    const entries = entriesOf(frames, 64);
    const partial = entries.filter((e) => !(e.tail[0] === 2 && e.tail[1] === 1));
    const got = collectFrames(partial, 0);
    assert.deepEqual(got.frames, frames.slice(0, 2));
    assert.equal(got.nextSeq, 2);
    assert.equal(got.broken, false);
  });

  it("skips (and consumes) entries before nextSeq, e.g. not yet deleted", () => {
    const got = collectFrames(entriesOf(frames), 2);
    assert.deepEqual(got.frames, [frames[2]]);
    assert.equal(got.consumed.length, 3);
  });

  it("a hole before a later frame means entries expired: the stream is broken", () => {
    const entries = entriesOf(frames).filter((e) => e.tail[0] !== 1);
    const got = collectFrames(entries, 0);
    assert.deepEqual(got.frames, [frames[0]]);
    assert.equal(got.broken, true);
    const missingPart = entriesOf(frames, 64).filter((e) => !(e.tail[0] === 0 && e.tail[1] === 0));
    assert.equal(collectFrames(missingPart, 0).broken, true);
  });
});

describe("BusWriter", () => {
  it("appends frames in order, many per atomic, big ones across atomics", async () => {
    const kv = await openKv(":memory:");
    try {
      const broken: string[] = [];
      const writer = new BusWriter(kv, ["bus", "s"], {
        expireInMs: 60_000,
        maxQueuedBytes: 64 * 1024 * 1024,
        onBroken: (r) => broken.push(r),
      });
      const sent: BusFrame[] = [];
      for (let i = 0; i < 50; i++) sent.push({ k: "msg", sid: i % 3, d: `frame ${i}` });
      sent.push({ k: "msg", sid: 9, d: "y".repeat(2_500_000) }); // > one atomic's 819,200 bytes
      sent.push({ k: "close", sid: 9, c: 1000 });
      for (const frame of sent) writer.push(frame);
      await writer.flush();
      const got = collectFrames(await readEntries(kv, ["bus", "s"]), 0);
      assert.deepEqual(broken, []);
      assert.equal(got.frames.length, sent.length);
      assert.deepEqual(got.frames, sent);
    } finally {
      kv.close();
    }
  });

  it("declares the stream broken when a dead reader lets the queue overflow", async () => {
    const kv = await openKv(":memory:");
    try {
      const broken: string[] = [];
      const writer = new BusWriter(kv, ["bus", "t"], {
        expireInMs: 60_000,
        maxQueuedBytes: 1000,
        onBroken: (r) => broken.push(r),
      });
      writer.push({ k: "msg", sid: 1, d: "z".repeat(2000) });
      writer.push({ k: "beat" });
      await writer.flush();
      assert.equal(writer.broken, true);
      assert.equal(broken.length, 1);
      assert.equal(collectFrames(await readEntries(kv, ["bus", "t"]), 0).frames.length, 0);

      // Its last word lands after the dropped frames: the reader sees the gap and lets go (a
      // reader once waited for ever, and every client behind it). Only once.
      await writer.pushLast({ k: "reset", r: "outbox overflow" });
      await writer.pushLast({ k: "reset", r: "again" });
      const got = collectFrames(await readEntries(kv, ["bus", "t"]), 0);
      assert.equal(got.broken, true);
      assert.equal((await readEntries(kv, ["bus", "t"])).length, 1);
    } finally {
      kv.close();
    }
  });
});

describe("lockRetryKv", () => {
  it("replays a commit refused with 'database is locked' on a fresh atomic", async () => {
    const inner = await openKv(":memory:");
    let failures = 2;
    const flaky: KvLike = {
      get: (key) => inner.get(key),
      list: (selector, options) => inner.list(selector, options),
      close: () => inner.close(),
      atomic: () => {
        const op = inner.atomic();
        const commit = op.commit.bind(op);
        op.commit = () => {
          if (failures-- > 0) return Promise.reject(new TypeError("database is locked"));
          return commit();
        };
        return op;
      },
    };
    const kv = lockRetryKv(flaky);
    try {
      const result = await kv.atomic().check({ key: ["k"], versionstamp: null })
        .set(["k"], new TextEncoder().encode("v")).commit();
      assert.equal(result.ok, true);
      assert.equal(failures, -1);
      assert.equal(new TextDecoder().decode((await kv.get<Uint8Array>(["k"])).value!), "v");
      assert.ok(isLockedError(new Error("Error code 5: database is locked")));
      assert.ok(!isLockedError(new Error("Value too large")));
    } finally {
      kv.close();
    }
  });
});
