/**
 * Turns a socket's text frames back into messages.
 *
 * tldraw clients send a message of 262,144 UTF-16 units or more as several frames
 * `"<k>_<piece>"`, where `k` is how many frames are still to come (so the last is `0_`); every
 * other message is one frame of JSON (it starts with `{`). The server never splits its own.
 *
 * Design: a reassembler is either idle or in a run, which remembers the `k` it expects next,
 * the pieces so far and their size in UTF-8 bytes. {@linkcode FrameReassembler.accept} returns
 * one {@linkcode FrameOutcome} per frame: the parsed message, `pending` while a run is open, or
 * a refusal with a {@linkcode FrameRefusal} code. Any refusal ends the run. Size is checked as
 * frames arrive, so no more than `maxMessageBytes` is ever held: a run is refused on the piece
 * that takes it past the cap, and a single frame over the cap is refused outright.
 * @module
 */
import { utf8Length } from "./utf8_length.ts";

/** Options for {@linkcode FrameReassembler}. */
export interface FrameReassemblerOptions {
  /** Largest message, in UTF-8 bytes (the room's `maxMessageBytes`). */
  maxMessageBytes: number;
}

/** Why a frame was refused. */
export const FrameRefusal = {
  /** The message (or the run so far) is over `maxMessageBytes`. */
  TooLarge: "too_large",
  /** Neither JSON nor a `"<k>_"` piece. */
  Unrecognized: "unrecognized",
  /** A piece whose `k` is not one less than the previous piece's. */
  OutOfSequence: "out_of_sequence",
  /** A whole JSON frame arrived while a run was still open. */
  Interrupted: "interrupted",
  /** A complete run whose text is not JSON. */
  NotJson: "not_json",
} as const;
/** A refusal code. */
export type FrameRefusal = typeof FrameRefusal[keyof typeof FrameRefusal];

/** What one frame produced. */
export type FrameOutcome =
  | { kind: "message"; message: unknown }
  | { kind: "pending" }
  | { kind: "refused"; refusal: FrameRefusal; detail: string };

/** Longest countdown prefix read, in digits (a run of a billion frames is no message). */
const MAX_COUNTDOWN_DIGITS = 9;
const PENDING: FrameOutcome = { kind: "pending" };

/** One socket's reassembly state. */
export class FrameReassembler {
  #cap: number;
  /** The countdown expected next, or -1 when idle. */
  #nextCountdown = -1;
  #pieces: string[] = [];
  #bytes = 0;

  /** An idle reassembler. */
  constructor(options: FrameReassemblerOptions) {
    this.#cap = options.maxMessageBytes;
  }

  /**
   * Take one text frame.
   * @throws {SyntaxError} when a whole (unchunked) frame starting with `{` is not JSON.
   */
  accept(frame: string): FrameOutcome {
    if (frame.startsWith("{")) return this.#whole(frame);
    const countdown = readCountdown(frame);
    if (countdown === null) return this.#refuse(FrameRefusal.Unrecognized, "not a message frame");
    if (this.#nextCountdown >= 0 && countdown.value !== this.#nextCountdown) {
      const detail = `piece ${countdown.value} after piece ${this.#nextCountdown + 1}`;
      return this.#refuse(FrameRefusal.OutOfSequence, detail);
    }
    const piece = frame.slice(countdown.length + 1);
    this.#bytes += utf8Length(piece);
    if (this.#bytes > this.#cap) {
      return this.#refuse(FrameRefusal.TooLarge, `pieces pass ${this.#cap} bytes`);
    }
    this.#pieces.push(piece);
    if (countdown.value > 0) {
      this.#nextCountdown = countdown.value - 1;
      return PENDING;
    }
    const text = this.#pieces.join("");
    this.#endRun();
    try {
      return { kind: "message", message: JSON.parse(text) };
    } catch {
      return { kind: "refused", refusal: FrameRefusal.NotJson, detail: "pieces are not JSON" };
    }
  }

  #whole(frame: string): FrameOutcome {
    if (this.#nextCountdown >= 0) {
      return this.#refuse(FrameRefusal.Interrupted, "whole frame inside a run of pieces");
    }
    // Three UTF-8 bytes per UTF-16 unit at most: count only when the frame could be over.
    if (frame.length * 3 > this.#cap && utf8Length(frame) > this.#cap) {
      return this.#refuse(FrameRefusal.TooLarge, `frame passes ${this.#cap} bytes`);
    }
    return { kind: "message", message: JSON.parse(frame) };
  }

  #refuse(refusal: FrameRefusal, detail: string): FrameOutcome {
    this.#endRun();
    return { kind: "refused", refusal, detail };
  }

  #endRun(): void {
    this.#nextCountdown = -1;
    this.#pieces = [];
    this.#bytes = 0;
  }
}

/** The leading `"<digits>_"` of `frame` (1 to 9 digits), or `null`. */
function readCountdown(frame: string): { value: number; length: number } | null {
  let length = 0;
  while (length < frame.length && length <= MAX_COUNTDOWN_DIGITS) {
    const unit = frame.charCodeAt(length);
    if (unit < 48 || unit > 57) break;
    length++;
  }
  if (length === 0 || length > MAX_COUNTDOWN_DIGITS || frame[length] !== "_") return null;
  return { value: Number(frame.slice(0, length)), length };
}
