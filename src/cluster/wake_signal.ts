/**
 * How an idle process learns that a follower appeared, without polling its bus: every append to
 * a stream rewrites the reader's ring key in the same atomic (`bus_keys.ts`), and a process whose
 * bus loop is stopped lists its ring keys (one small read) every `intervalMs` while it holds
 * rooms (however they were loaded: a connect, the admin API). Only while the bus bell does not
 * work (`bus_bell.ts`): Deno's SQLite KV does not report other processes' writes to watchers
 * (checked with Deno 2.9.6), so on a local file a timed read it is.
 * @module
 */

/** Options of a {@linkcode WakeWatcher}. */
export interface WakeWatcherOptions {
  /** Read interval in ms. */
  intervalMs: number;
  /** True while the timer should run (the bus loop is off and the router open). */
  active(): boolean;
  /** True when a tick should read (the process holds rooms: someone may follow them). */
  wanted(): boolean;
  /** One read: true when something moved since the loop last looked. */
  probe(): Promise<boolean>;
  /** Something moved. */
  onWake(): void;
  /** A read failed. */
  onError(error: unknown): void;
}

/**
 * A timer running while {@linkcode WakeWatcherOptions.active}; each tick probes only if
 * {@linkcode WakeWatcherOptions.wanted} (a tick without rooms reads nothing).
 */
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

  /** Schedule the next tick unless one is scheduled or the watcher is not active. */
  arm(): void {
    if (this.#timer !== undefined || !this.#o.active()) return;
    this.#timer = setTimeout(() => void this.#check(), this.#o.intervalMs);
  }

  /** Cancel the scheduled probe. */
  disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #check(): Promise<void> {
    this.#timer = undefined;
    if (!this.#o.active()) return;
    if (this.#o.wanted()) {
      this.#reads++;
      try {
        if (await this.#o.probe()) return this.#o.onWake();
      } catch (error) {
        this.#o.onError(error);
      }
    }
    this.arm();
  }
}
