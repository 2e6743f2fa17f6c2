/**
 * The bus doorbell: a `kv.watch` of this process's bell key (`bus_keys.ts`), which every append
 * to a stream this process reads rewrites. Each event rings; the bus loop then reads what moved.
 * The bell counts as working only once the watch delivered its first event (the key's current
 * state); a watch that fails to open, errors or ends puts the loop back on polling and is
 * reopened after `retryMs`.
 * @module
 */
import type { KvKey } from "../storage/kv/kv_like.ts";

/** `kv.watch`, bound to its KV. */
export type WatchFn = (keys: readonly KvKey[]) => ReadableStream<unknown>;

/** Options of a {@linkcode BusBell}. */
export interface BusBellOptions {
  /** The watch to use. */
  watch: WatchFn;
  /** The key to watch. */
  key: KvKey;
  /** A watch event arrived (the first one makes the bell working). */
  onRing(): void;
  /** The watch failed or ended: the bell no longer works until it is reopened. */
  onDown(reason: string): void;
  /** Wait before reopening a failed watch, in ms. */
  retryMs: number;
}

/** A watch of one key, reopened when it fails. */
export class BusBell {
  #o: BusBellOptions;
  #reader: ReadableStreamDefaultReader<unknown> | null = null;
  #working = false;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #rings = 0;

  /** A bell; call {@linkcode open} to start watching. */
  constructor(options: BusBellOptions) {
    this.#o = options;
  }

  /** True while the watch delivers events (since its first one). */
  get working(): boolean {
    return this.#working;
  }

  /** Events received so far (for tests and measurements). */
  get rings(): number {
    return this.#rings;
  }

  /** Start watching (again). */
  open(): void {
    if (this.#closed || this.#reader) return;
    let reader: ReadableStreamDefaultReader<unknown>;
    try {
      reader = this.#o.watch([this.#o.key]).getReader();
    } catch (error) {
      return this.#down(error);
    }
    this.#reader = reader;
    this.#consume(reader).then(
      () => this.#down("watch ended"),
      (error) => this.#down(error),
    );
  }

  /** Stop watching for good. */
  close(): void {
    this.#closed = true;
    this.#working = false;
    clearTimeout(this.#retry);
    const reader = this.#reader;
    this.#reader = null;
    reader?.cancel().catch(() => {});
  }

  async #consume(reader: ReadableStreamDefaultReader<unknown>): Promise<void> {
    for (;;) {
      const { done } = await reader.read();
      if (done || this.#closed || this.#reader !== reader) return;
      this.#working = true;
      this.#rings++;
      this.#o.onRing();
    }
  }

  #down(error: unknown): void {
    this.#reader = null;
    if (this.#closed) return;
    this.#working = false;
    this.#o.onDown(error instanceof Error ? error.message : String(error));
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.open(), this.#o.retryMs);
  }
}
