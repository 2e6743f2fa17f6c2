/**
 * A room's history in KV: the {@linkcode HistoryBackend} over the room's log (kept with
 * `keepLog`, format in `kv_log_entry.ts`) and the checkpoints of `kv_history_checkpoints.ts`.
 * Log entries the room's own checkpoint has not folded into its documents yet (clock above the
 * head's) are never deleted: the room needs them to load.
 * @module
 */
import {
  type CheckpointInfo,
  type EntryInfo,
  entryInfoOf,
  type EntryListOptions,
  type HistoryBackend,
} from "../history_backend.ts";
import type { HistoryEntry, HistoryRange } from "../room_history.ts";
import type { RoomSnapshot } from "../room_snapshot.ts";
import { writeBatches } from "./atomic_packer.ts";
import { KvCheckpoints } from "./kv_history_checkpoints.ts";
import { HistoryKeys } from "./kv_history_keys.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import type { LoadContext } from "./kv_load_context.ts";
import { readLogEntries, scanLog, type ScannedEntry, type ScanOptions } from "./kv_log_read.ts";
import { scanRoomEntries } from "./kv_room_entries.ts";
import { logEntryDeletes } from "./kv_log_write.ts";
import { readHeadLenient } from "./kv_records.ts";

/** One room's history in KV. */
export class KvHistoryBackend implements HistoryBackend {
  #kv: KvLike;
  #keys: RoomKeys;
  #ctx: LoadContext;
  #journalPrefix: KvKey | undefined;
  /** The room's checkpoints. */
  readonly checkpointStore: KvCheckpoints;

  /**
   * The history of the room at `keys`; undecodable entries are reported through `ctx`. With
   * `journalPrefix` (the store's prefix), entries still in the shared journal are listed and read
   * too; without it (the pruner, which deletes only what the room's own log holds), only the log.
   */
  constructor(kv: KvLike, keys: RoomKeys, ctx: LoadContext, journalPrefix?: KvKey) {
    this.#kv = kv;
    this.#keys = keys;
    this.#ctx = ctx;
    this.#journalPrefix = journalPrefix;
    this.checkpointStore = new KvCheckpoints(kv, new HistoryKeys(keys.root));
  }

  /** See {@linkcode HistoryBackend.checkpoints}. */
  checkpoints(): Promise<CheckpointInfo[]> {
    return this.checkpointStore.list();
  }

  /** See {@linkcode HistoryBackend.entryInfos}; newest first reads only the entries returned. */
  async *entryInfos(options: EntryListOptions = {}): AsyncIterable<EntryInfo> {
    const limit = options.limit ?? Infinity;
    if (!options.reverse) {
      let n = 0;
      for await (const s of this.#scan(options)) {
        if (n >= limit) return;
        if (s.entry) (n++, yield entryInfoOf(s.entry!, s.bytes));
      }
      return;
    }
    const after = await this.#newestAfter(options, limit);
    const infos: EntryInfo[] = [];
    for await (const s of this.#scan({ ...options, after })) {
      if (s.entry) infos.push(entryInfoOf(s.entry!, s.bytes));
    }
    yield* infos.reverse().slice(0, limit);
  }

  /** See {@linkcode HistoryBackend.entries}. */
  async *entries(range: HistoryRange = {}): AsyncIterable<HistoryEntry> {
    if (!this.#journalPrefix) return yield* readLogEntries(this.#kv, this.#keys, range, this.#ctx);
    for await (const s of this.#scan(range)) if (s.entry) yield s.entry;
  }

  #scan(options: ScanOptions): AsyncIterable<ScannedEntry> {
    return this.#journalPrefix
      ? scanRoomEntries(this.#kv, this.#keys, options, this.#ctx, this.#journalPrefix)
      : scanLog(this.#kv, this.#keys, options, this.#ctx);
  }

  /** See {@linkcode HistoryBackend.readCheckpoint}. */
  readCheckpoint(clock: number): Promise<RoomSnapshot | undefined> {
    return this.checkpointStore.read(clock);
  }

  /** See {@linkcode HistoryBackend.writeCheckpoint}. */
  writeCheckpoint(snapshot: RoomSnapshot, time: number): Promise<CheckpointInfo> {
    return this.checkpointStore.write(snapshot, time);
  }

  /** See {@linkcode HistoryBackend.deleteCheckpoint}. */
  deleteCheckpoint(clock: number): Promise<void> {
    return this.checkpointStore.delete(clock);
  }

  /** The room's head clock: entries above it are not in its documents yet. */
  async deletableUpTo(): Promise<number> {
    return (await readHeadLenient(this.#kv, this.#keys))?.documentClock ?? -1;
  }

  /** See {@linkcode HistoryBackend.deleteEntries}; entries above the head are kept. */
  async deleteEntries(clocks: number[]): Promise<void> {
    let newest = -1;
    for (const clock of clocks) newest = Math.max(newest, clock);
    const bound = Math.min(newest, await this.deletableUpTo());
    const found = new Map<number, ScannedEntry>();
    const range = { fromStart: true, after: bound, upTo: bound };
    for await (const s of scanLog(this.#kv, this.#keys, range, this.#ctx)) found.set(s.clock, s);
    const doomed: Mutation[] = [];
    for (const clock of clocks) {
      const s = found.get(clock);
      if (s) doomed.push(...logEntryDeletes(this.#keys, clock, s.parts));
    }
    await writeBatches(this.#kv, doomed, "KV history prune failed");
  }

  /** The `after` bound that leaves only the newest `limit` entries (keys listed, not decoded). */
  async #newestAfter(options: EntryListOptions, limit: number): Promise<number | undefined> {
    if (!Number.isFinite(limit)) return options.after;
    const clocks: number[] = [];
    const range = { fromStart: true, after: options.upTo ?? Infinity, upTo: options.upTo };
    for await (const s of this.#scan(range)) clocks.push(s.clock);
    if (clocks.length <= limit) return options.after;
    return Math.max(clocks[clocks.length - limit - 1]!, options.after ?? -1);
  }
}
