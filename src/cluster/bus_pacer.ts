/**
 * When the cluster's bus loop ticks next, and whether a tick reads the bus streams.
 *
 * - **Bell working** (`kv.watch` reports other processes' writes, see `bus_bell.ts`): a tick
 *   reads the streams only when the bell rang since the last read, or every `watchPollMs` in
 *   case a ring was missed; in between the loop ticks every `housekeepingMs` without reading the
 *   bus (heartbeats, lease checks, channel expiry).
 * - **Polling** (no bell): every tick reads. The loop polls every `hotPollMs` while frames moved
 *   within `hotWindowMs`, then doubles the interval each quiet tick up to `maxIdlePollMs`. Any
 *   activity, and above all this process sending a frame (a reply is then due), resets it to
 *   `hotPollMs` at once, cutting short the wait in progress.
 * @module
 */

/** Options of a {@linkcode BusPacer}. */
export interface BusPacerOptions {
  /** Poll interval while frames move, in ms. */
  hotPollMs: number;
  /** Largest poll interval when quiet, in ms. */
  maxIdlePollMs: number;
  /** How long after the last activity polling stays at `hotPollMs`. */
  hotWindowMs: number;
  /** With a working bell: interval of ticks that do not read the streams. */
  housekeepingMs: number;
  /** With a working bell: the streams are read at least this often anyway. */
  watchPollMs: number;
  /** True while the bell works. */
  belled(): boolean;
  /** Wall time. */
  now(): number;
}

interface Wait {
  timer: ReturnType<typeof setTimeout>;
  until: number;
  resolve(): void;
}

/** Paces one bus loop. */
export class BusPacer {
  #o: BusPacerOptions;
  #interval: number;
  #lastActivity = -Infinity;
  #rung = false;
  #lastRead = -Infinity;
  #wait: Wait | null = null;

  /** A pacer, cold. */
  constructor(options: BusPacerOptions) {
    this.#o = options;
    this.#interval = options.hotPollMs;
  }

  /** The poll interval the loop is at (polling mode), in ms. */
  get intervalMs(): number {
    return this.#interval;
  }

  /** True while a ring waits for a reading tick. */
  get rung(): boolean {
    return this.#rung;
  }

  /** True when there was activity within the hot window before `at`. */
  isHot(at: number): boolean {
    return at - this.#lastActivity < this.#o.hotWindowMs;
  }

  /** Frames moved (sent or received): poll fast again, starting with the wait in progress. */
  touch(): void {
    this.#lastActivity = this.#o.now();
    this.#interval = this.#o.hotPollMs;
    const wait = this.#wait;
    if (wait && !this.#o.belled() && wait.until - this.#lastActivity > this.#o.hotPollMs) {
      this.#arm(wait, this.#o.hotPollMs);
    }
  }

  /** The bell rang: the next tick reads, and starts now. */
  ring(): void {
    this.#rung = true;
    this.wake();
  }

  /** End the wait in progress (the bell changed state, or the loop must stop). */
  wake(): void {
    const wait = this.#wait;
    if (!wait) return;
    clearTimeout(wait.timer);
    this.#wait = null;
    wait.resolve();
  }

  /** Whether the tick starting now reads the streams (it consumes the ring). */
  takeRead(): boolean {
    const now = this.#o.now();
    if (this.#o.belled() && !this.#rung && now - this.#lastRead < this.#o.watchPollMs) {
      return false;
    }
    this.#rung = false;
    this.#lastRead = now;
    return true;
  }

  /** Wait for the next tick of a loop whose tick started at `tickStarted`. */
  sleep(tickStarted: number): Promise<void> {
    let ms: number;
    if (this.#o.belled()) {
      if (this.#rung) return Promise.resolve();
      ms = this.#o.housekeepingMs;
    } else if (this.isHot(tickStarted)) {
      ms = this.#interval = this.#o.hotPollMs;
    } else {
      ms = this.#interval = Math.min(this.#o.maxIdlePollMs, this.#interval * 2);
    }
    const elapsed = this.#o.now() - tickStarted;
    return new Promise<void>((resolve) => {
      const wait: Wait = { timer: undefined as never, until: 0, resolve };
      this.#wait = wait;
      this.#arm(wait, Math.max(1, ms - elapsed));
    });
  }

  #arm(wait: Wait, ms: number): void {
    clearTimeout(wait.timer);
    wait.until = this.#o.now() + ms;
    wait.timer = setTimeout(() => this.wake(), ms);
  }
}
