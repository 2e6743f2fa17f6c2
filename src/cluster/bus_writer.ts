/**
 * The sending end of one bus stream: frames pushed synchronously are numbered, split into parts
 * and appended under `[...stream, seq, part, parts]` by one sequential committer, many frames per
 * atomic. Sequential commits keep the stream gap-free in key order, which the reader relies on.
 * @module
 */
import { AtomicPacker, costOf } from "../storage/kv/atomic_packer.ts";
import type { KvKey, KvLike } from "../storage/kv/kv_like.ts";
import { type BusFrame, encodeFrame, splitParts } from "./bus_frame.ts";

/** Options of a {@linkcode BusWriter}. */
export interface BusWriterOptions {
  /** Entries expire after this many ms (garbage collection of abandoned streams). */
  expireInMs: number;
  /** Bytes queued before the stream is declared broken (a dead reader). */
  maxQueuedBytes: number;
  /** Called once when appending failed or the queue overflowed; the stream is then dead. */
  onBroken(reason: string): void;
  /** Called on every push but heartbeats (the cluster polls faster while the bus is busy). */
  onPush?(): void;
  /** Rewritten in every append's atomic: the reader's ring key (see `bus_keys.ts`). */
  ring?: KvKey;
  /** Rewritten in every append's atomic too: the reader's bell key (see `bus_keys.ts`). */
  bell?: KvKey;
}

interface Part {
  key: KvKey;
  value: Uint8Array;
}

/** The ring and bell keys' value (only their versionstamps matter). */
const RING = new Uint8Array([1]);

/** Appends frames to one stream, in order. */
export class BusWriter {
  #kv: KvLike;
  #stream: KvKey;
  #options: BusWriterOptions;
  #seq = 0;
  #queue: Part[] = [];
  #queuedBytes = 0;
  #running: Promise<void> | null = null;
  #broken = false;
  #lastWordSent = false;
  #marks: KvKey[];

  /** A writer appending to `stream` (a key prefix) from seq 0. */
  constructor(kv: KvLike, stream: KvKey, options: BusWriterOptions) {
    this.#kv = kv;
    this.#stream = stream;
    this.#options = options;
    this.#marks = [options.ring, options.bell].filter((k): k is KvKey => k !== undefined);
  }

  /** True once the stream failed; later pushes are dropped. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Queue a frame; it is committed shortly, after every frame pushed before it. */
  push(frame: BusFrame): void {
    if (this.#broken) return;
    // A heartbeat expects no answer: it must not make the loops poll fast.
    if (frame.k !== "beat") this.#options.onPush?.();
    for (const part of this.#number(frame)) {
      this.#queue.push(part);
      this.#queuedBytes += part.value.length;
    }
    if (this.#queuedBytes > this.#options.maxQueuedBytes) {
      return this.#fail(`more than ${this.#options.maxQueuedBytes} bytes queued`);
    }
    this.#running ??= this.#drain();
  }

  /**
   * After the stream broke, append `frame` alone, once, numbered after every frame pushed so far
   * (the dropped ones included): the reader gets it, or sees the gap before it, and knows the
   * stream ended. Without it a reader whose writer dropped its queue waited for frames that never
   * came, and so did every client behind it. Best effort: a failed append is ignored.
   */
  async pushLast(frame: BusFrame): Promise<void> {
    if (!this.#broken || this.#lastWordSent) return;
    this.#lastWordSent = true;
    await this.flush(); // an append in flight finishes first; nothing is queued after a break
    await this.#append(this.#number(frame)).catch(() => {});
  }

  /** `frame`'s parts under the next seq: `[...stream, seq, part, parts]`. */
  #number(frame: BusFrame): Part[] {
    const seq = this.#seq++;
    const parts = splitParts(encodeFrame(frame));
    return parts.map((value, i) => ({ key: [...this.#stream, seq, i, parts.length], value }));
  }

  /** Write `parts` in one atomic, with the ring and bell marks; throws when refused. */
  async #append(parts: Part[]): Promise<void> {
    const op = this.#kv.atomic();
    for (const part of parts) op.set(part.key, part.value, { expireIn: this.#options.expireInMs });
    for (const key of this.#marks) op.set(key, RING, { expireIn: this.#options.expireInMs });
    const result = await op.commit();
    if (!result.ok) throw new Error("append refused");
  }

  /** Resolves once everything pushed so far is committed (or the stream broke). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    // Let the current task push more frames so they share the atomic.
    await Promise.resolve();
    try {
      while (this.#queue.length > 0 && !this.#broken) {
        await this.#append(this.#take());
      }
    } catch (error) {
      this.#fail(`append failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.#running = null;
    }
  }

  #take(): Part[] {
    const packer = new AtomicPacker();
    // Ring and bell are rewritten in every atomic.
    for (const key of this.#marks) packer.add(costOf([{ key, value: RING }]));
    let n = 0;
    for (; n < this.#queue.length; n++) {
      const cost = costOf([this.#queue[n]!]);
      if (packer.full(cost)) break;
      packer.add(cost);
    }
    const batch = this.#queue.splice(0, n);
    for (const part of batch) this.#queuedBytes -= part.value.length;
    return batch;
  }

  #fail(reason: string): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#options.onBroken(reason);
  }
}
