/**
 * The metrics as listeners on a server's events: the counters that follow events (connections,
 * 4099 closes, refused pushes, skipped stored entries and records) are counted here and nowhere else.
 * Per-frame traffic and push timing stay in `ConnectionMeter`, on the frame path, where an event
 * per frame would cost more than the count.
 * @module
 */
import type { SyncMetrics } from "../metrics/sync_metrics.ts";
import type { ServerEmitter } from "./server_events.ts";
import { type EventHandlers, subscribeAll } from "./subscribe_all.ts";

/** Count `events` into `metrics`; returns the unsubscribe. */
export function meterEvents(events: ServerEmitter, metrics: SyncMetrics): () => void {
  const handlers: EventHandlers = {
    connection_opened: () => metrics.connections.inc(),
    socket_rejected: (e) => metrics.rejected.inc({ reason: e.reason }),
    push_rejected: (e) => metrics.pushesRejected.inc({ reason: e.reason }),
    storage_entry_skipped: () => metrics.storageSkipped.inc(),
    record_skipped: (e) => metrics.loadSkippedRecords.inc({ reason: e.reason }),
  };
  return subscribeAll(events, handlers);
}
