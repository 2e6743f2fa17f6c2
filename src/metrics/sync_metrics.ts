/**
 * The sync server's metrics (`tlsync_*`) on a {@linkcode MetricsRegistry}.
 * @module
 */
import { CloseReason } from "../protocol/close_reason.ts";
import { LoadSkipReason } from "../room/load_skip.ts";
import { LimitExceeded } from "../room/room_limits.ts";
import type { Counter } from "./counter.ts";
import type { Gauge } from "./gauge.ts";
import type { Histogram } from "./histogram.ts";
import { MetricsRegistry } from "./metrics_registry.ts";

/** Options of {@linkcode SyncMetrics}. */
export interface SyncMetricsOptions {
  /** Register into this registry (e.g. beside your own metrics). Default: a new one. */
  registry?: MetricsRegistry;
  /** Monotonic milliseconds for durations. Default: `performance.now()`. */
  now?: () => number;
}

/** What a server reports at scrape time. */
export type ServerStats = () => { rooms: number; sessions: number };

/** Counters, gauges and histograms of one or more sync servers; a `CommitObserver`. */
export class SyncMetrics {
  /** The registry holding every family below. */
  readonly registry: MetricsRegistry;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** `tlsync_rooms_live`. */
  readonly roomsLive: Gauge;
  /** `tlsync_sessions`. */
  readonly sessions: Gauge;
  /** `tlsync_connections_total`. */
  readonly connections: Counter;
  /** `tlsync_messages_in_total`. */
  readonly messagesIn: Counter;
  /** `tlsync_messages_out_total`. */
  readonly messagesOut: Counter;
  /** `tlsync_bytes_in_total`. */
  readonly bytesIn: Counter;
  /** `tlsync_bytes_out_total`. */
  readonly bytesOut: Counter;
  /** `tlsync_push_duration_seconds`. */
  readonly pushDuration: Histogram;
  /** `tlsync_storage_commit_duration_seconds`. */
  readonly commitDuration: Histogram;
  /** `tlsync_rejected_total{reason}`. */
  readonly rejected: Counter;
  /** `tlsync_pushes_rejected_total{reason}`. */
  readonly pushesRejected: Counter;
  /** `tlsync_storage_skipped_entries_total`. */
  readonly storageSkipped: Counter;
  /** `tlsync_room_load_skipped_records_total{reason}`. */
  readonly loadSkippedRecords: Counter;
  #servers = new Set<ServerStats>();

  /** Register the `tlsync_*` families. */
  constructor(options: SyncMetricsOptions = {}) {
    const r = this.registry = options.registry ?? new MetricsRegistry();
    this.now = options.now ?? ((): number => performance.now());
    const sum = (key: "rooms" | "sessions") => (): number =>
      [...this.#servers].reduce((n, stats) => n + stats()[key], 0);
    this.roomsLive = r.gauge("tlsync_rooms_live", "Rooms loaded in memory", {
      collect: sum("rooms"),
    });
    this.sessions = r.gauge("tlsync_sessions", "Sessions in live rooms", {
      collect: sum("sessions"),
    });
    this.connections = r.counter("tlsync_connections_total", "WebSocket connections accepted");
    this.messagesIn = r.counter("tlsync_messages_in_total", "WebSocket frames received");
    this.messagesOut = r.counter("tlsync_messages_out_total", "WebSocket frames sent");
    this.bytesIn = r.counter("tlsync_bytes_in_total", "Bytes received in WebSocket frames");
    this.bytesOut = r.counter("tlsync_bytes_out_total", "Bytes sent in WebSocket frames");
    this.pushDuration = r.histogram(
      "tlsync_push_duration_seconds",
      "Time from a push frame arriving to its push_result being sent",
    );
    this.commitDuration = r.histogram(
      "tlsync_storage_commit_duration_seconds",
      "Time storage took to make one room commit durable",
    );
    this.rejected = r.counter("tlsync_rejected_total", "Sockets closed with 4099, by reason", {
      labelNames: ["reason"],
    });
    this.storageSkipped = r.counter(
      "tlsync_storage_skipped_entries_total",
      "Stored entries skipped while loading rooms (unreadable, or a write the store cannot take)",
    );
    for (const reason of Object.values(CloseReason)) {
      this.rejected.inc({ reason }, 0); // known reasons show as 0 before they first happen
    }
    this.pushesRejected = r.counter(
      "tlsync_pushes_rejected_total",
      "Pushes refused for a record or room cap (answered with discard), by reason",
      { labelNames: ["reason"] },
    );
    for (const reason of Object.values(LimitExceeded)) this.pushesRejected.inc({ reason }, 0);
    this.loadSkippedRecords = r.counter(
      "tlsync_room_load_skipped_records_total",
      "Stored records left out of rooms while loading them (kept in storage), by reason",
      { labelNames: ["reason"] },
    );
    for (const reason of Object.values(LoadSkipReason)) this.loadSkippedRecords.inc({ reason }, 0);
  }

  /** Report a server's rooms and sessions in the gauges; returns the undo. */
  track(stats: ServerStats): () => void {
    this.#servers.add(stats);
    return () => void this.#servers.delete(stats);
  }

  /** One storage commit took `seconds` (used by `timedStorage`). */
  observeCommit(seconds: number): void {
    this.commitDuration.observe(seconds);
  }

  /** The Prometheus text of the registry. */
  render(): string {
    return this.registry.render();
  }
}
