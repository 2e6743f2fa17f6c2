/**
 * How an idle process learns that a follower appeared, without polling its bus: every append to
 * a stream rewrites the reader's ring key in the same atomic (`bus_keys.ts`), and a process whose
 * bus loop is stopped lists its ring keys (one small read) every `intervalMs` while it holds
 * rooms. `kv.watch` would be free, but Deno's SQLite KV does not report other processes' writes
 * to watchers (checked with Deno 2.9.6), so a timed read it is.
 * @module
 */

/** Options of a {@linkcode WakeWatcher}. */
export interface WakeWatcherOptions {
  /** Read interval in ms. */
  intervalMs: number;
  /** True while the watcher should keep reading (the process holds rooms, the loop is off). */
  wanted(): boolean;
  /** One read: true when something moved since the loop last looked. */
  probe(): Promise<boolean>;
  /** Something moved. */
  onWake(): void;
  /** A read failed. */
  onError(error: unknown): void;
}

/** Probes on a timer while {@linkcode WakeWatcherOptions.wanted}. */
export class WakeWatcher {
  #o: WakeWatcherOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reads = 0;

  /** A watcher; call {@linkcode arm} to start reading. */
  constructor(options: WakeWatcherOptions) {
    this.#o = options;
  }

  /** Probes made so far (for tests and measurements). */
  get reads(): number {
    return this.#reads;
  }

  /** Schedule the next probe unless one is scheduled or it is not wanted. */
  arm(): void {
    if (this.#timer !== undefined || !this.#o.wanted()) return;
    this.#timer = setTimeout(() => void this.#check(), this.#o.intervalMs);
  }

  /** Cancel the scheduled probe. */
  disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #check(): Promise<void> {
    this.#timer = undefined;
    if (!this.#o.wanted()) return;
    this.#reads++;
    try {
      if (await this.#o.probe()) return this.#o.onWake();
    } catch (error) {
      this.#o.onError(error);
    }
    this.arm();
  }
}
