import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type FrameOutcome,
  FrameReassembler,
  FrameRefusal,
} from "../../src/protocol/frame_reassembler.ts";
import { seededRandom } from "../diff/_random_values.ts";

const CAP = 1_000_000;

/** The tldraw client's framing: pieces `"<k>_<piece>"`, k = pieces still to come. */
function split(text: string, sizes: number[]): string[] {
  const pieces: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= text.length) break;
    pieces.push(text.slice(at, at + size));
    at += size;
  }
  if (at < text.length) pieces.push(text.slice(at));
  return pieces.map((piece, i) => `${pieces.length - 1 - i}_${piece}`);
}

function refusalOf(outcome: FrameOutcome): string | null {
  return outcome.kind === "refused" ? outcome.refusal : null;
}

describe("FrameReassembler", () => {
  it("parses a whole frame and reassembles a run of pieces", () => {
    const frames = new FrameReassembler({ maxMessageBytes: CAP });

    assert.deepEqual(frames.accept('{"type":"ping"}'), {
      kind: "message",
      message: { type: "ping" },
    });
    assert.deepEqual(frames.accept('2_{"a"'), { kind: "pending" });
    assert.deepEqual(frames.accept("1_:[1,"), { kind: "pending" });
    assert.deepEqual(frames.accept("0_2]}"), { kind: "message", message: { a: [1, 2] } });
    assert.deepEqual(frames.accept('0_{"one":1}'), { kind: "message", message: { one: 1 } });
  });

  it("refuses pieces out of sequence, then starts over", () => {
    const frames = new FrameReassembler({ maxMessageBytes: CAP });
    frames.accept('2_{"a"');

    assert.equal(refusalOf(frames.accept("0_:1}")), FrameRefusal.OutOfSequence);
    assert.deepEqual(frames.accept('0_{"b":2}'), { kind: "message", message: { b: 2 } });
  });

  it("refuses a whole frame inside a run", () => {
    const frames = new FrameReassembler({ maxMessageBytes: CAP });
    frames.accept('1_{"a"');

    assert.equal(refusalOf(frames.accept('{"b":1}')), FrameRefusal.Interrupted);
    assert.deepEqual(frames.accept('{"b":1}'), { kind: "message", message: { b: 1 } });
  });

  it("refuses frames that are neither JSON nor pieces (at most 9 countdown digits)", () => {
    const frames = new FrameReassembler({ maxMessageBytes: CAP });

    for (const frame of ["hello", "", "_x", "12", " {}", "1234567890_{}", "1x_{}"]) {
      assert.equal(refusalOf(frames.accept(frame)), FrameRefusal.Unrecognized, frame);
    }
    assert.deepEqual(frames.accept("000000000_[1]"), { kind: "message", message: [1] });
  });

  it("refuses a completed run that is not JSON, but throws for a whole frame that is not", () => {
    const frames = new FrameReassembler({ maxMessageBytes: CAP });
    frames.accept("1_{not");

    assert.equal(refusalOf(frames.accept("0_ json")), FrameRefusal.NotJson);
    assert.throws(() => frames.accept("{not json"), SyntaxError);
  });

  it("refuses a run as soon as its pieces pass the cap (UTF-8 bytes), then starts over", () => {
    const frames = new FrameReassembler({ maxMessageBytes: 8 });

    assert.deepEqual(frames.accept('3_{"a":'), { kind: "pending" }); // 5 bytes
    assert.equal(refusalOf(frames.accept('2_"éé')), FrameRefusal.TooLarge); // 5 + 5 bytes
    assert.deepEqual(frames.accept('0_{"b":1}'), { kind: "message", message: { b: 1 } });
  });

  it("refuses a whole frame over the cap, counting UTF-8 bytes", () => {
    const frames = new FrameReassembler({ maxMessageBytes: 12 });

    assert.deepEqual(frames.accept('{"a":"éé"}'), { kind: "message", message: { a: "éé" } });
    assert.equal(refusalOf(frames.accept('{"a":"ééé"}')), FrameRefusal.TooLarge);
    assert.equal(refusalOf(frames.accept('{"a":"😀"}')), null); // 12 bytes: 4 for the emoji
  });

  it("property: random messages split at random sizes come back whole (seeded)", () => {
    const rand = seededRandom(0xf4a3e);
    const frames = new FrameReassembler({ maxMessageBytes: CAP });
    for (let i = 0; i < 200; i++) {
      const message = { type: "push", n: i, text: "aé😀".repeat(Math.floor(rand() * 40)) };
      const sizes = Array.from({ length: 6 }, () => 1 + Math.floor(rand() * 30));
      const pieces = split(JSON.stringify(message), sizes);

      const outcomes = pieces.map((piece) => frames.accept(piece));

      assert.deepEqual(outcomes.at(-1), { kind: "message", message }, `message ${i}`);
      assert.ok(outcomes.slice(0, -1).every((o) => o.kind === "pending"));
    }
  });
});
