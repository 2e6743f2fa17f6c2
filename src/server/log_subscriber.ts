/**
 * The log lines that tell what happened to rooms, sessions and connections, written by one
 * listener on a server's events: the same events the metrics count, so the two never disagree.
 * Each line is named after its event and carries the payload's fields. `commit` is not logged
 * (it is hot, and only built while someone listens).
 * @module
 */
import type { Logger } from "../ports/logger.ts";
import type { ServerEmitter, ServerEventMap } from "./server_events.ts";
import { type EventHandlers, subscribeAll } from "./subscribe_all.ts";

type Level = Exclude<keyof Logger, "enabled">;

/** The level of each logged event. */
const LEVELS: { [K in keyof ServerEventMap]?: Level } = {
  room_loaded: "info",
  room_closed: "info",
  room_failed: "error",
  session_joined: "debug",
  session_left: "debug",
  connection_opened: "info",
  connection_closed: "info",
  session_refused: "warn",
  preload_overflow: "warn",
  slow_consumer: "warn",
  upgrade_refused: "warn",
  storage_entry_skipped: "warn",
};

/** Write `events` to `logger`; returns the unsubscribe. */
export function logEvents(events: ServerEmitter, logger: Logger): () => void {
  const handlers: EventHandlers = {};
  for (const [type, level] of Object.entries(LEVELS) as [keyof ServerEventMap, Level][]) {
    (handlers as Record<string, (e: unknown) => void>)[type] = (e) =>
      logger[level](type, fields(e as Record<string, unknown>));
  }
  return subscribeAll(events, handlers);
}

/** The payload as flat JSON-able fields: errors as their message, identity as its user id. */
function fields(payload: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key === "meta" || value === undefined) continue; // host data: not ours to log
    if (key === "error") out[key] = value instanceof Error ? value.message : String(value);
    else if (key === "identity") out["userId"] = (value as { userId: string }).userId;
    else out[key] = value;
  }
  return out;
}
