/**
 * Subscribe a table of handlers to a server's events in one call, and undo it in one call.
 * @module
 */
import type { ServerEmitter, ServerEventMap } from "./server_events.ts";

/** A handler per event name, each typed by its payload. */
export type EventHandlers = { [K in keyof ServerEventMap]?: (e: ServerEventMap[K]) => void };

/** Subscribe every handler of `handlers`; returns the unsubscribe. */
export function subscribeAll(
  events: ServerEmitter,
  handlers: EventHandlers,
): () => void {
  const entries = Object.entries(handlers) as [keyof ServerEventMap, (e: unknown) => void][];
  for (const [type, handler] of entries) events.on(type, handler);
  return () => {
    for (const [type, handler] of entries) events.off(type, handler);
  };
}
