/**
 * Holds every clock-bearing message until the storage commit covering its clock is durable,
 * so no client ever hears of a change (or a clock) that a crash could take back.
 * @module
 */

interface Waiting {
  clock: number;
  run: () => void;
}

/** A FIFO of deferred sends, released in order as the durable clock advances. */
export class DurabilityGate {
  #durableClock: number;
  #queue: Waiting[] = [];
  #head = 0;

  /** Start with everything up to `durableClock` already durable. */
  constructor(durableClock: number) {
    this.#durableClock = durableClock;
  }

  /** The highest clock known to be durable. */
  get durableClock(): number {
    return this.#durableClock;
  }

  /** Run `fn` once `clock` is durable, after everything queued before it. */
  run(clock: number, fn: () => void): void {
    if (this.#head === this.#queue.length && clock <= this.#durableClock) fn();
    else this.#queue.push({ clock, run: fn });
  }

  /** Everything up to `clock` is now durable: release what waited for it. */
  advance(clock: number): void {
    if (clock > this.#durableClock) this.#durableClock = clock;
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.clock <= this.#durableClock) {
      const next = queue[this.#head]!;
      queue[this.#head++] = undefined as unknown as Waiting;
      next.run();
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
