/**
 * `GET /admin/stats`: the server's metrics as JSON for the operator console's live chart
 * (totals; the page turns the deltas between two polls into rates and latency quantiles).
 * @module
 */
import type { HistogramSnapshot } from "../../metrics/histogram.ts";
import type { AdminRequest } from "./admin_request.ts";

/** The body of `GET /admin/stats`. */
export interface AdminStats {
  /** The metrics clock in ms (monotonic; only differences mean anything). */
  now: number;
  /** Rooms loaded in this process (every server sharing the metrics). */
  rooms: number;
  /** Sessions in those rooms. */
  sessions: number;
  /** WebSocket connections accepted since start. */
  connectionsTotal: number;
  /** Frames received and sent since start. */
  messagesIn: number;
  /** Frames sent since start. */
  messagesOut: number;
  /** Bytes received since start. */
  bytesIn: number;
  /** Bytes sent since start. */
  bytesOut: number;
  /** Push frame in → its `push_result` out, in seconds (`tlsync_push_duration_seconds`). */
  pushes: HistogramSnapshot;
  /** Storage commit durations in seconds (`tlsync_storage_commit_duration_seconds`). */
  commits: HistogramSnapshot;
}

/** Answer with the current totals. */
export function adminStats({ server }: AdminRequest): Promise<Response> {
  const m = server.metrics;
  const body: AdminStats = {
    now: m.now(),
    rooms: m.roomsLive.get(),
    sessions: m.sessions.get(),
    connectionsTotal: m.connections.get(),
    messagesIn: m.messagesIn.get(),
    messagesOut: m.messagesOut.get(),
    bytesIn: m.bytesIn.get(),
    bytesOut: m.bytesOut.get(),
    pushes: m.pushDuration.snapshot(),
    commits: m.commitDuration.snapshot(),
  };
  return Promise.resolve(Response.json(body, { headers: { "cache-control": "no-store" } }));
}
