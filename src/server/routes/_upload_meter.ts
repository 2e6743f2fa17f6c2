/**
 * The body of one upload as the store reads it: bytes pass only once the quota holds them
 * (reserved in steps as they arrive, never ahead of them), and the body is cut off when it stalls,
 * runs past its deadline, passes the size cap, or the room's quota is full. Why it was cut off is
 * kept in {@linkcode UploadMeter.refusal} for the route to answer with.
 * @module
 */
import type { QuotaGrant } from "../../assets/upload_quota.ts";
import type { TimeSource } from "../../ports/time_source.ts";

/** Why an upload body was cut off. */
export type UploadRefusal =
  | { kind: "idle" | "deadline" | "too_large" | "empty" }
  | { kind: "quota"; used: number };

/** Limits and the quota of one upload body. */
export interface UploadMeterOptions {
  /** Clock for the deadlines. */
  time: TimeSource;
  /** Longest wait for the next bytes, in ms. */
  idleMs: number;
  /** Wall time by which the whole body must have arrived. */
  deadlineAt: number;
  /** Largest body in bytes. */
  maxBytes: number;
  /** Bytes gathered before each reservation (the last one may be smaller). */
  stepBytes: number;
  /** Reserve `bytes` more quota for this upload (all or nothing). */
  reserve(bytes: number): Promise<QuotaGrant>;
}

/** Wraps a request body; read {@linkcode UploadMeter.body} instead of it. */
export class UploadMeter {
  /** The metered body: errors once the upload is refused. */
  readonly body: ReadableStream<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #options: UploadMeterOptions;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #received = 0;
  #reserved = 0;
  #refusal: UploadRefusal | null = null;

  /** Meter `body` under `options`. */
  constructor(body: ReadableStream<Uint8Array>, options: UploadMeterOptions) {
    this.#reader = body.getReader();
    this.#options = options;
    this.body = new ReadableStream<Uint8Array>({
      pull: (controller) => this.#pull(controller),
      cancel: (reason) => this.#reader.cancel(reason),
    }, { highWaterMark: 0 });
  }

  /** Why the body was cut off, or `null` while it was not. */
  get refusal(): UploadRefusal | null {
    return this.#refusal;
  }

  /** Bytes reserved so far (every byte passed on is reserved). */
  get reserved(): number {
    return this.#reserved;
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      const { done, value } = await this.#read();
      if (done) {
        if (this.#received === 0) throw this.#refuse({ kind: "empty" });
        await this.#pass(controller);
        return controller.close();
      }
      this.#received += value.length;
      if (this.#received > this.#options.maxBytes) throw this.#refuse({ kind: "too_large" });
      this.#pending.push(value);
      this.#pendingBytes += value.length;
      if (this.#pendingBytes >= this.#options.stepBytes) return await this.#pass(controller);
    }
  }

  /** Reserve the gathered bytes, then hand them to the reader. */
  async #pass(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const { granted, used } = await this.#options.reserve(this.#pendingBytes);
    this.#reserved += granted;
    if (granted < this.#pendingBytes) throw this.#refuse({ kind: "quota", used });
    for (const chunk of this.#pending) controller.enqueue(chunk);
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** The next read of the request body, or a refusal when the idle or total deadline comes first. */
  #read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const { time, idleMs, deadlineAt } = this.#options;
    const left = deadlineAt - time.now();
    const kind = idleMs < left ? "idle" : "deadline";
    return new Promise((resolve, reject) => {
      const timer = time.setTimeout(
        () => reject(this.#refuse({ kind })),
        Math.max(0, Math.min(idleMs, left)),
      );
      this.#reader.read().then((step) => {
        time.clearTimeout(timer);
        resolve(step);
      }, (error) => {
        time.clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Record the first refusal, stop the client's body, and return the error the reader sees. */
  #refuse(refusal: UploadRefusal): Error {
    this.#refusal ??= refusal;
    // Cancelling only tells the sender to stop; the refusal is what the route answers with.
    this.#reader.cancel().catch(() => {});
    return new Error(`Upload refused: ${this.#refusal.kind}`);
  }
}
