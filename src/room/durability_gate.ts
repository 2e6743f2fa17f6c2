/**
 * Holds every clock-bearing message until the storage commit covering its clock is durable,
 * so no client ever hears of a change (or a clock) that a crash could take back.
 * A gate over paced commits (storage with a gather period: at most one commit per room per
 * period) tells what it releases that it came from a commit, so sessions can send it without
 * waiting for their batching window (see `Outbox.sendData`).
 * @module
 */

/** A deferred send; `released` is true when a paced commit released it (not run at once). */
export type GatedSend = (released: boolean) => void;

interface Waiting {
  clock: number;
  run: GatedSend;
}

/** A FIFO of deferred sends, released in order as the durable clock advances. */
export class DurabilityGate {
  #durableClock: number;
  #queue: Waiting[] = [];
  #head = 0;
  #paced: boolean;

  /**
   * Start with everything up to `durableClock` already durable; `paced` when the room's commits
   * are paced (at most one per gather period).
   */
  constructor(durableClock: number, paced = false) {
    this.#durableClock = durableClock;
    this.#paced = paced;
  }

  /** The highest clock known to be durable. */
  get durableClock(): number {
    return this.#durableClock;
  }

  /** Run `fn` once `clock` is durable, after everything queued before it. */
  run(clock: number, fn: GatedSend): void {
    if (this.#head === this.#queue.length && clock <= this.#durableClock) fn(false);
    else this.#queue.push({ clock, run: fn });
  }

  /** Everything up to `clock` is now durable: release what waited for it. */
  advance(clock: number): void {
    if (clock > this.#durableClock) this.#durableClock = clock;
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.clock <= this.#durableClock) {
      const next = queue[this.#head]!;
      queue[this.#head++] = undefined as unknown as Waiting;
      next.run(this.#paced);
    }
    if (this.#head === queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
  }

  /** Drop everything waiting (the room failed or closed). */
  clear(): void {
    this.#queue = [];
    this.#head = 0;
  }
}
