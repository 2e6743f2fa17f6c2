/**
 * Counts one connection's traffic and times its pushes: from a push frame arriving to the
 * frame carrying its `push_result` being sent (durability wait and batching included). Called
 * on the frame path directly; what follows events (opens, 4099 closes) is counted by the
 * server's metrics listener instead.
 * @module
 */
import { utf8Length } from "../protocol/utf8_length.ts";
import type { SyncMetrics } from "./sync_metrics.ts";

// The official client writes `{"type":"push","clientClock":N,...}`; a chunked push starts with
// `<remaining>_`. Pushes written in another key order are counted but not timed.
const PUSH_HEAD = /^(?:\d+_)?\{"type":"push","clientClock":(\d+)/;
// The server writes push results in this key order (room/handle_push.ts).
const PUSH_RESULT = /"type":"push_result","clientClock":(\d+)/g;
const MAX_PENDING = 1024;
// Frames up to this many UTF-16 units are counted by encoding into one shared scratch buffer (3
// bytes per unit at most, so the count is exact): no allocation, and faster than `encode` or a
// JavaScript loop on both runtimes. Longer frames are counted by utf8Length.
const SCRATCH_UNITS = 16_384;
const scratch = new Uint8Array(3 * SCRATCH_UNITS);
const encoder = new TextEncoder();
const NO_LABELS = {} as const;

/** The byte length of the last frame measured (shared by every connection). */
const last: { text: string; bytes: number } = { text: "", bytes: 0 };

/** The metrics side of one connection. */
export class ConnectionMeter {
  #metrics: SyncMetrics;
  /** Push clock awaiting its result → arrival time; made at the first push (none for viewers). */
  #pending: Map<number, number> | null = null;
  #bytesIn = 0;
  #bytesOut = 0;

  /** A meter reporting to `metrics`. */
  constructor(metrics: SyncMetrics) {
    this.#metrics = metrics;
  }

  /** Bytes this connection received (as counted in `tlsync_bytes_in_total`). */
  get bytesIn(): number {
    return this.#bytesIn;
  }

  /** Bytes this connection sent (as counted in `tlsync_bytes_out_total`). */
  get bytesOut(): number {
    return this.#bytesOut;
  }

  /** A frame arrived. */
  received(data: string | ArrayBuffer | Uint8Array): void {
    const m = this.#metrics;
    m.messagesIn.inc();
    const bytes = typeof data === "string" ? byteLength(data) : data.byteLength;
    this.#bytesIn += bytes;
    m.bytesIn.inc(NO_LABELS, bytes);
    if (typeof data !== "string") return;
    const push = PUSH_HEAD.exec(data.slice(0, 64));
    if (!push) return;
    const pending = this.#pending ??= new Map();
    if (pending.size < MAX_PENDING) {
      const clock = Number(push[1]);
      if (!pending.has(clock)) pending.set(clock, m.now());
    }
  }

  /** A frame was handed to the socket. */
  sent(frame: string): void {
    const m = this.#metrics;
    m.messagesOut.inc();
    const bytes = byteLength(frame);
    this.#bytesOut += bytes;
    m.bytesOut.inc(NO_LABELS, bytes);
    const pending = this.#pending;
    if (!pending?.size || !frame.includes('"push_result"')) return;
    for (const match of frame.matchAll(PUSH_RESULT)) {
      const clock = Number(match[1]);
      const start = pending.get(clock);
      if (start === undefined) continue;
      pending.delete(clock);
      m.pushDuration.observe((m.now() - start) / 1000);
    }
  }
}

/** UTF-8 bytes of a frame, without allocating. */
function byteLength(text: string): number {
  // A broadcast or a full state is one string sent to many sockets: count it once.
  if (last.text === text) return last.bytes;
  const bytes = text.length <= SCRATCH_UNITS
    ? encoder.encodeInto(text, scratch).written
    : utf8Length(text);
  last.text = text;
  last.bytes = bytes;
  return bytes;
}
