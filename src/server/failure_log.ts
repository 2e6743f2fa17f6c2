/**
 * Log lines for refused requests, aggregated per client address: at most one line per address
 * per {@linkcode FAILURE_LOG_INTERVAL_MS}, carrying how many failures and throttled refusals that
 * address had since its previous line. A guesser sending thousands of requests a second writes one
 * line a minute, not one per request. What an address did after its last line is reported with
 * its next one (or when the map is swept).
 * @module
 */
import type { Logger } from "../ports/logger.ts";
import type { TimeSource } from "../ports/time_source.ts";

/** Shortest time between two lines about one address. */
export const FAILURE_LOG_INTERVAL_MS = 60_000;

/** The key the requests of unknown or unlimited addresses (e.g. localhost) share. */
const SHARED_KEY = "";

interface Tally {
  /** When this address's last line was written. */
  at: number;
  failures: number;
  refused: number;
  /** The fields of the last request counted (method, path). */
  fields: Record<string, unknown>;
}

/** What happened to one request. */
export type FailureKind = "failure" | "refused";

/** One warning line per address per interval, with counts. */
export class FailureLog {
  #logger: Logger;
  #event: string;
  #time: TimeSource;
  #tallies = new Map<string, Tally>();
  #sweepAt = 1024;

  /** Lines named `event`, at warn. */
  constructor(logger: Logger, event: string, time: TimeSource) {
    this.#logger = logger;
    this.#event = event;
    this.#time = time;
  }

  /** Count one request of `address` (`undefined`: unknown or unlimited); log when due. */
  note(address: string | undefined, kind: FailureKind, fields: Record<string, unknown>): void {
    const key = address ?? SHARED_KEY;
    const now = this.#time.now();
    const tally = this.#tallies.get(key) ?? { at: -Infinity, failures: 0, refused: 0, fields };
    if (kind === "failure") tally.failures++;
    else tally.refused++;
    tally.fields = fields;
    if (now - tally.at >= FAILURE_LOG_INTERVAL_MS) {
      this.#write(key, tally);
      tally.at = now;
    }
    this.#tallies.set(key, tally);
    if (this.#tallies.size >= this.#sweepAt) this.#sweep(now);
  }

  /** Addresses tracked (for tests). */
  get size(): number {
    return this.#tallies.size;
  }

  #write(key: string, tally: Tally): void {
    this.#logger.warn(this.#event, {
      ...tally.fields,
      address: key === SHARED_KEY ? null : key,
      failures: tally.failures,
      refused: tally.refused,
    });
    tally.failures = 0;
    tally.refused = 0;
  }

  /** Drop addresses whose interval is over; report what they did since their last line. */
  #sweep(now: number): void {
    for (const [key, tally] of this.#tallies) {
      if (now - tally.at < FAILURE_LOG_INTERVAL_MS) continue;
      if (tally.failures + tally.refused > 0) this.#write(key, tally);
      this.#tallies.delete(key);
    }
    this.#sweepAt = Math.max(1024, this.#tallies.size * 2);
  }
}
