// Pure helpers behind the caps: depth check, UTF-8 length, running room size, limit resolution
// and the default server's env parsing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { UnknownRecord } from "@tldraw/store";
import type { RecordChange } from "../../src/diff/record_change.ts";
import { FrameReassembler, FrameRefusal } from "../../src/protocol/frame_reassembler.ts";
import { isWellFormedText, utf8Length } from "../../src/protocol/utf8_length.ts";
import { isClock, MAX_CLOCK } from "../../src/protocol/clock.ts";
import { LEASE_HORIZON_MS, parseLease } from "../../src/storage/kv/kv_lease.ts";
import { encodeJson } from "../../src/storage/kv/kv_codec.ts";
import { DocumentStore } from "../../src/room/document_store.ts";
import { ShapeFault, shapeFault } from "../../src/room/record_depth.ts";

const exceedsDepth = (v: unknown, max: number) => shapeFault(v, max) === ShapeFault.TOO_DEEP;
import {
  DEFAULT_ROOM_LIMITS,
  resolveRoomLimits,
  ROOM_LIMIT_CEILINGS,
} from "../../src/room/room_limits.ts";
import { recordBytes, RoomSize } from "../../src/room/room_size.ts";
import { limitsFromEnv } from "../../src/app/env_limits.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { capturingLogger, nested } from "./_security_helpers.ts";

describe("shapeFault", () => {
  it("counts objects and arrays; primitives add no level", () => {
    assert.equal(exceedsDepth(1, 0), false);
    assert.equal(exceedsDepth({}, 1), false);
    assert.equal(exceedsDepth({}, 0), true);
    assert.equal(exceedsDepth({ a: [{ b: "x" }] }, 3), false);
    assert.equal(exceedsDepth({ a: [{ b: "x" }] }, 2), true);
    assert.equal(exceedsDepth(nested(100), 100), false);
    assert.equal(exceedsDepth(nested(101), 100), true);
  });

  it("returns for 1,000,000 levels without overflowing the stack", () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 1_000_000; i++) deep = [deep];

    assert.equal(exceedsDepth(deep, 100), true);
  });

  it("finds a number that is not finite at any depth, and nothing in finite values", () => {
    assert.equal(shapeFault({ a: [1, { b: JSON.parse("1e309") }] }, 10), ShapeFault.NOT_FINITE);
    assert.equal(shapeFault({ a: -Infinity }, 10), ShapeFault.NOT_FINITE);
    assert.equal(shapeFault([NaN], 10), ShapeFault.NOT_FINITE);
    assert.equal(shapeFault({ a: [1.5e308, -0, "Infinity", null] }, 10), null);
  });
});

describe("trusted ranges of stored clocks and leases", () => {
  it("a clock is believed up to MAX_CLOCK, not one past it, and only as a whole number", () => {
    assert.equal(isClock(0), true);
    assert.equal(isClock(MAX_CLOCK), true);
    assert.equal(isClock(MAX_CLOCK + 1), false);
    for (const v of [-1, 2.5, 2 ** 53, Infinity, NaN, "5", null]) assert.equal(isClock(v), false);
  });

  it("a lease is believed up to LEASE_HORIZON_MS ahead of the reader, not one ms more", () => {
    const now = 1_000_000;
    const at = (expiresAt: number) => parseLease(encodeJson({ owner: "o", expiresAt }), now);
    assert.deepEqual(at(now + LEASE_HORIZON_MS), { owner: "o", expiresAt: now + LEASE_HORIZON_MS });
    assert.equal(at(now + LEASE_HORIZON_MS + 1), null);
    assert.deepEqual(at(now - 5), { owner: "o", expiresAt: now - 5 }, "an expired one still reads");
  });
});

describe("isWellFormedText", () => {
  it("is false exactly when a surrogate has no partner", () => {
    for (const text of ["", "abc", "é", "😀", "a😀b", "\uFFFD"]) {
      assert.equal(isWellFormedText(text), true, JSON.stringify(text));
    }
    for (const text of ["\uD800", "\uDC00", "a\uD800b", "\uDBFF\uDBFF\uDC00", "😀\uDC00"]) {
      assert.equal(isWellFormedText(text), false, JSON.stringify(text));
    }
  });
});

describe("utf8Length", () => {
  it("matches TextEncoder for ASCII, 2-, 3- and 4-byte characters and lone surrogates", () => {
    for (const text of ["", "abc", "é", "€uro", "😀 x", "a\uD800b", "\uDC00", "x".repeat(1000)]) {
      assert.equal(utf8Length(text), new TextEncoder().encode(text).byteLength, text);
    }
  });
});

describe("RoomSize", () => {
  const store = (): DocumentStore =>
    new DocumentStore({
      documentClock: 1,
      tombstoneHistoryStartsAtClock: 0,
      documents: [{ state: geoShape("shape:a"), lastChangedClock: 1 }],
      tombstones: {},
      schema: serverSchema,
    });

  it("sums the documents at load and follows puts, replacements and deletes", () => {
    const size = RoomSize.of(store());
    const a = geoShape("shape:a");
    const b = geoShape("shape:b", 0, 0, { meta: { pad: "x".repeat(500) } });
    const a2 = geoShape("shape:a", 12345);
    const changes = new Map<string, RecordChange>([
      ["shape:b", { before: undefined, after: b }],
      ["shape:a", { before: a, after: a2 }],
    ]);
    const initial = size.total;
    const growth = size.growth(changes, new Map([["shape:b", recordBytes(b)]]));
    size.apply(changes, new Map([["shape:b", recordBytes(b)]]));
    const afterPut = size.total;
    size.apply(new Map([["shape:b", { before: b, after: undefined }]]), new Map());

    assert.equal(initial, recordBytes(a));
    assert.equal(growth, recordBytes(b) + recordBytes(a2) - recordBytes(a));
    assert.equal(afterPut, recordBytes(b) + recordBytes(a2));
    assert.equal(size.total, recordBytes(a2));
    assert.equal(size.sizeOf("shape:b"), 0);
  });

  it("measures UTF-8 bytes of the record's JSON", () => {
    const record = { id: "x:é", typeName: "x" } as unknown as UnknownRecord;

    assert.equal(recordBytes(record), new TextEncoder().encode(JSON.stringify(record)).length);
  });
});

describe("FrameReassembler byte cap", () => {
  it("refuses on the piece that passes the cap, counting UTF-8 bytes", () => {
    const frames = new FrameReassembler({ maxMessageBytes: 10 });

    const first = frames.accept('2_{"é":');
    const second = frames.accept('1_"éé"');

    assert.deepEqual(first, { kind: "pending" }); // 6 bytes so far
    assert.equal(second.kind, "refused");
    assert.equal(second.kind === "refused" && second.refusal, FrameRefusal.TooLarge);
    assert.deepEqual(frames.accept('{"a":1}'), { kind: "message", message: { a: 1 } }); // reset
  });

  it("refuses a single frame over the cap too", () => {
    const frames = new FrameReassembler({ maxMessageBytes: 12 });

    assert.deepEqual(frames.accept('{"a":"éé"}'), { kind: "message", message: { a: "éé" } }); // 12 bytes
    const over = frames.accept('{"a":"ééé"}');
    assert.equal(over.kind === "refused" && over.refusal, FrameRefusal.TooLarge);
  });
});

describe("resolveRoomLimits", () => {
  it("fills defaults and refuses values outside 1..ceiling", () => {
    assert.deepEqual(resolveRoomLimits(), DEFAULT_ROOM_LIMITS);
    assert.equal(resolveRoomLimits({ maxRecordDepth: 5 }).maxRecordDepth, 5);
    for (const bad of [0, -1, 1.5, NaN, ROOM_LIMIT_CEILINGS.maxRecordDepth + 1]) {
      assert.throws(() => resolveRoomLimits({ maxRecordDepth: bad }), RangeError);
    }
  });
});

describe("limitsFromEnv (record, room and message caps)", () => {
  it("reads the TLSYNC_MAX_* variables", () => {
    const env: Record<string, string> = {
      TLSYNC_MAX_RECORD_BYTES: "1048576",
      TLSYNC_MAX_ROOM_BYTES: " 33554432 ",
      TLSYNC_MAX_RECORD_DEPTH: "50",
      TLSYNC_MAX_RECORD_ID_BYTES: "256",
      TLSYNC_MAX_MESSAGE_BYTES: "4194304",
    };
    const { logger, lines } = capturingLogger();

    const limits = limitsFromEnv(logger, (name) => env[name]);

    assert.deepEqual(limits, {
      maxRecordBytes: 1048576,
      maxRoomBytes: 33554432,
      maxRecordDepth: 50,
      maxRecordIdBytes: 256,
      maxMessageBytes: 4194304,
    });
    assert.deepEqual(lines, []);
  });

  it("ignores nonsense with a warning (default used) and clamps absurd values", () => {
    const env: Record<string, string> = {
      TLSYNC_MAX_RECORD_BYTES: "2MB",
      TLSYNC_MAX_ROOM_BYTES: "-5",
      TLSYNC_MAX_RECORD_DEPTH: "1e9",
      TLSYNC_MAX_RECORD_ID_BYTES: "0",
      TLSYNC_MAX_MESSAGE_BYTES: "99999999999999",
    };
    const { logger, lines } = capturingLogger();

    const limits = limitsFromEnv(logger, (name) => env[name]);

    assert.deepEqual(limits, { maxMessageBytes: ROOM_LIMIT_CEILINGS.maxMessageBytes });
    assert.deepEqual(
      lines.map((l) => [l.level, l.event, l.fields.name, l.fields.using]).sort(),
      [
        ["warn", "env_invalid", "TLSYNC_MAX_MESSAGE_BYTES", ROOM_LIMIT_CEILINGS.maxMessageBytes],
        ["warn", "env_invalid", "TLSYNC_MAX_RECORD_BYTES", "default"],
        ["warn", "env_invalid", "TLSYNC_MAX_RECORD_DEPTH", "default"],
        ["warn", "env_invalid", "TLSYNC_MAX_RECORD_ID_BYTES", "default"],
        ["warn", "env_invalid", "TLSYNC_MAX_ROOM_BYTES", "default"],
      ],
    );
  });
});
