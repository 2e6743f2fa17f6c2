/**
 * Read a room's log back in clock order, leniently: an entry that cannot be decoded, or whose
 * parts are missing, is skipped and reported; parts without a manifest (an append a crash cut
 * short) are not an entry and are handed back for deletion.
 * @module
 */
import { decodeValue, joinBytes } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { type LogEntry, parseLogEntry } from "./kv_log_entry.ts";
import { isClock } from "../../protocol/clock.ts";

/** Which entries to read. */
export interface LogRange {
  /** Only entries with a clock above this. */
  after?: number;
  /** Only entries with a clock up to this. */
  upTo?: number;
}

/** One stored entry: its keys (to delete it later) and, unless skipped, its content. */
export interface ScannedEntry {
  clock: number;
  /** Part keys stored under it (0 for an entry in one value). */
  parts: number;
  /** Bytes stored. */
  bytes: number;
  /** The entry; `null` when skipped (reported) or when `decode` said no. */
  entry: LogEntry | null;
}

/** Options of {@linkcode scanLog}. */
export interface ScanOptions extends LogRange {
  /** List from the start of the log (entries up to `after` then come back undecoded). */
  fromStart?: boolean;
  /** Where parts without a manifest go (as deletes). */
  orphans?: Mutation[];
}

interface Group {
  clock: number;
  value: unknown;
  key: KvKey;
  parts: Uint8Array[];
  partKeys: number;
  bytes: number;
}

/** Every entry of the room in `range`, in clock order (skipped ones reported through `ctx`). */
export async function* readLogEntries(
  kv: KvLike,
  keys: RoomKeys,
  range: LogRange,
  ctx: LoadContext,
): AsyncIterable<LogEntry> {
  for await (const scanned of scanLog(kv, keys, range, ctx)) {
    if (scanned.entry) yield scanned.entry;
  }
}

/** Every stored entry in range, with its keys; see {@linkcode ScanOptions}. */
export async function* scanLog(
  kv: KvLike,
  keys: RoomKeys,
  options: ScanOptions,
  ctx: LoadContext,
): AsyncGenerator<ScannedEntry> {
  const after = options.after ?? -Infinity;
  const prefix = keys.logs();
  const start = options.fromStart || options.after === undefined
    ? {}
    : { start: keys.log(Math.floor(options.after) + 1) };
  let group: Group | null = null;
  for await (const e of kv.list<Uint8Array>({ prefix, ...start }, { batchSize: 500 })) {
    const clock = e.key[prefix.length];
    if (typeof clock !== "number") continue;
    if (options.upTo !== undefined && clock > options.upTo) break;
    if (!isClock(clock)) {
      // No server writes such a key (2^53 would become the room's clock and stop it moving).
      if (e.key.length === prefix.length + 1) ctx.skip(e.key, "not a clock this server writes");
      continue;
    }
    if (e.key.length === prefix.length + 1) {
      if (group) yield finish(group, after, ctx);
      group = { clock, value: e.value, key: e.key, parts: [], partKeys: 0, bytes: size(e.value) };
      continue;
    }
    const i = e.key[prefix.length + 1];
    if (group?.clock === clock && typeof i === "number" && Number.isInteger(i) && i >= 0) {
      if (i < 100_000) group.parts[i] = e.value;
      group.partKeys = Math.max(group.partKeys, i + 1);
      group.bytes += size(e.value);
    } else options.orphans?.push({ key: e.key, value: null });
  }
  if (group) yield finish(group, after, ctx);
}

function size(value: unknown): number {
  return value instanceof Uint8Array ? value.length : 0;
}

function finish(g: Group, after: number, ctx: LoadContext): ScannedEntry {
  const out = { clock: g.clock, parts: g.partKeys, bytes: g.bytes, entry: null };
  if (g.clock <= after) return out;
  const decoded = decodeValue(g.value);
  if (!decoded.ok) return skip(out, g, ctx, decoded.reason);
  let value = decoded.value;
  const manifest = value as { v?: unknown; parts?: unknown; clock?: unknown };
  if (typeof manifest === "object" && manifest !== null && !("clock" in manifest)) {
    const n = manifest.parts;
    if (manifest.v !== 1 || typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      return skip(out, g, ctx, "not a log entry");
    }
    const present = g.parts.slice(0, n).filter((p) => p instanceof Uint8Array).length;
    if (present !== n) return skip(out, g, ctx, `log entry incomplete (${present}/${n})`);
    const joined = decodeValue(joinBytes(g.parts.slice(0, n)));
    if (!joined.ok) return skip(out, g, ctx, joined.reason);
    value = joined.value;
  }
  const entry = parseLogEntry(value, (what) => ctx.skip(g.key, `malformed log entry: ${what}`));
  if (!entry || entry.clock !== g.clock) return skip(out, g, ctx, "not a log entry");
  return { ...out, entry };
}

function skip(out: ScannedEntry, g: Group, ctx: LoadContext, reason: string): ScannedEntry {
  ctx.skip(g.key, reason);
  return out;
}
