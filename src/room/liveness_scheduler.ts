/**
 * Deadline-driven session liveness. Every session carries the deadline of its current phase
 * (handshake, idle or reconnect grace); the room keeps exactly one timer, armed for the earliest
 * deadline it has been told about. When it fires, every overdue session is expired and the timer
 * is re-armed for the next earliest deadline. Deadlines that move later (a client speaking)
 * need no timer work: an early wake finds nothing overdue and simply re-arms.
 * @module
 */
import type { LivenessAlarm, LivenessPolicy } from "./liveness_policy.ts";
import type { Session } from "./session.ts";
import type { TimerHandle, TimeSource } from "../ports/time_source.ts";

/** The room's one liveness timer. */
export class LivenessScheduler implements LivenessAlarm {
  /** The phase lengths. */
  readonly policy: LivenessPolicy;
  #time: TimeSource;
  #sessions: ReadonlyMap<string, Session>;
  #expire: (session: Session) => void;
  #timer: TimerHandle | undefined;
  #wakeAt = Infinity;
  #stopped = false;

  /** Watch `sessions`; `expire` acts on a session whose phase ran out. */
  constructor(
    time: TimeSource,
    policy: LivenessPolicy,
    sessions: ReadonlyMap<string, Session>,
    actions: { expire: (session: Session) => void },
  ) {
    this.#time = time;
    this.policy = policy;
    this.#sessions = sessions;
    this.#expire = actions.expire;
  }

  /** Wake no later than `deadline`. */
  wakeBy(deadline: number): void {
    if (this.#stopped || !(deadline < this.#wakeAt)) return;
    if (this.#timer !== undefined) this.#time.clearTimeout(this.#timer);
    this.#wakeAt = deadline;
    const delay = Math.max(0, deadline - this.#time.now());
    this.#timer = this.#time.setTimeout(() => this.#wake(), delay);
  }

  /** Cancel the timer for good. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#time.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wakeAt = Infinity;
  }

  /** Expire every overdue session, then re-arm for the earliest remaining deadline. */
  #wake(): void {
    this.#timer = undefined;
    this.#wakeAt = Infinity;
    const now = this.#time.now();
    for (const session of [...this.#sessions.values()]) {
      if (session.isOverdue(this.policy, now)) this.#expire(session);
    }
    let earliest = Infinity;
    for (const session of this.#sessions.values()) {
      earliest = Math.min(earliest, session.deadline(this.policy));
    }
    this.wakeBy(earliest);
  }
}
