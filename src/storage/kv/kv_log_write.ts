/**
 * A log entry as KV writes: one value under `log/<clock>` when its JSON fits, else its JSON split
 * into `log/<clock>/<i>` parts (written first) and a manifest `{"v":1,"parts":n}` under
 * `log/<clock>` (written last: an entry without its manifest does not exist).
 * @module
 */
import { encodeJson, PART_BYTES, splitBytes } from "./kv_codec.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import type { LogEntry } from "./kv_log_entry.ts";

/** An entry ready to write. */
export interface EncodedLogEntry {
  /** The entry itself, or the manifest of its parts: the write that makes it exist. */
  manifest: { key: KvKey; value: Uint8Array };
  /** Parts to write before the manifest (none for an entry that fits one value). */
  parts: Mutation[];
  /** Bytes of the entry's JSON. */
  bytes: number;
}

/** The writes of `entry`. */
export function encodeLogEntry(keys: RoomKeys, entry: LogEntry): EncodedLogEntry {
  const json = encodeJson(entry);
  const key = keys.log(entry.clock);
  if (json.length <= PART_BYTES) {
    return { manifest: { key, value: json }, parts: [], bytes: json.length };
  }
  const parts = splitBytes(json);
  return {
    manifest: { key, value: encodeJson({ v: 1, parts: parts.length }) },
    parts: parts.map((value, i) => ({ key: keys.logPart(entry.clock, i), value })),
    bytes: json.length,
  };
}

/**
 * Deletes of every key of the entry at `clock` with `parts` parts, manifest first (split over
 * atomics, a crash leaves parts without a manifest, which loading removes, never a manifest
 * without its parts).
 */
export function logEntryDeletes(keys: RoomKeys, clock: number, parts: number): Mutation[] {
  const out: Mutation[] = [{ key: keys.log(clock), value: null }];
  for (let i = 0; i < parts; i++) out.push({ key: keys.logPart(clock, i), value: null });
  return out;
}
