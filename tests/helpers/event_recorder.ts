// Test-only: record every event of a mitt emitter and await one.
import type { Emitter, EventType } from "mitt";

export interface Recorded {
  type: string;
  payload: Record<string, unknown>;
}

export interface EventRecorder {
  events: Recorded[];
  /** Resolve with the first event (past or future) of `type` matching `pred`; reject after `ms`. */
  waitFor(
    type: string,
    pred?: (payload: Record<string, unknown>) => boolean,
    ms?: number,
  ): Promise<Record<string, unknown>>;
  of(type: string): Record<string, unknown>[];
  stop(): void;
}

export function recordEvents<M extends Record<EventType, unknown>>(
  emitter: Emitter<M>,
): EventRecorder {
  const events: Recorded[] = [];
  const waiters: {
    type: string;
    pred: (p: Record<string, unknown>) => boolean;
    resolve: (p: Record<string, unknown>) => void;
  }[] = [];
  const handler = (type: keyof M, payload: M[keyof M]): void => {
    const rec = { type: String(type), payload: payload as Record<string, unknown> };
    events.push(rec);
    for (const w of [...waiters]) {
      if (w.type === rec.type && w.pred(rec.payload)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(rec.payload);
      }
    }
  };
  emitter.on("*", handler);
  return {
    events,
    of: (type) => events.filter((e) => e.type === type).map((e) => e.payload),
    waitFor: (type, pred = () => true, ms = 10_000) => {
      const found = events.find((e) => e.type === type && pred(e.payload));
      if (found) return Promise.resolve(found.payload);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${type}`)), ms);
        waiters.push({ type, pred, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    },
    stop: () => emitter.off("*", handler),
  };
}
