/**
 * History kept in memory: the {@linkcode HistoryBackend} of {@linkcode MemoryStorageProvider}
 * rooms, so the library keeps restore points without KV. Entries share the stored documents
 * (records are never mutated), so a commit costs one small object; sizes are measured lazily,
 * off the ack path.
 * @module
 */
import { utf8Length } from "../protocol/utf8_length.ts";
import {
  type CheckpointInfo,
  type EntryInfo,
  entryInfoOf,
  type EntryListOptions,
  type HistoryBackend,
} from "./history_backend.ts";
import type { HistoryEntry, HistoryRange } from "./room_history.ts";
import type { RoomSnapshot } from "./room_snapshot.ts";
import type { RoomCommit } from "./storage.ts";

interface KeptEntry {
  entry: HistoryEntry;
  bytes?: number;
}

/** One room's history in memory. */
export class MemoryHistoryBackend implements HistoryBackend {
  #entries: KeptEntry[] = [];
  #checkpoints: { info: CheckpointInfo; snapshot: RoomSnapshot }[] = [];

  /** Keep a commit (called by the room's storage once it is applied). */
  append(commit: RoomCommit, time: number, records: number): void {
    const entry: HistoryEntry = {
      clock: commit.documentClock,
      time,
      puts: commit.puts,
      deletes: commit.deletes,
      pruned: commit.prunedTombstones,
      historyStart: commit.tombstoneHistoryStartsAtClock,
      schema: commit.schema,
      records,
    };
    if (commit.authors?.length) entry.authors = commit.authors;
    if (commit.replace) entry.replace = true;
    this.#entries.push({ entry });
  }

  /** See {@linkcode HistoryBackend.checkpoints}. */
  checkpoints(): Promise<CheckpointInfo[]> {
    return Promise.resolve(this.#checkpoints.map((c) => c.info));
  }

  /** See {@linkcode HistoryBackend.entryInfos}. */
  async *entryInfos(options: EntryListOptions = {}): AsyncIterable<EntryInfo> {
    const list = this.#inRange(options);
    if (options.reverse) list.reverse();
    const limit = options.limit ?? Infinity;
    for (let i = 0; i < list.length && i < limit; i++) yield infoOf(list[i]!);
  }

  /** See {@linkcode HistoryBackend.entries}. */
  async *entries(range: HistoryRange = {}): AsyncIterable<HistoryEntry> {
    for (const kept of this.#inRange(range)) yield kept.entry;
  }

  /** See {@linkcode HistoryBackend.readCheckpoint}. */
  readCheckpoint(clock: number): Promise<RoomSnapshot | undefined> {
    return Promise.resolve(this.#checkpoints.find((c) => c.info.clock === clock)?.snapshot);
  }

  /** See {@linkcode HistoryBackend.writeCheckpoint}. */
  writeCheckpoint(snapshot: RoomSnapshot, time: number): Promise<CheckpointInfo> {
    const clock = snapshot.documentClock ?? 0;
    const info: CheckpointInfo = {
      clock,
      time,
      records: snapshot.documents.length,
      bytes: utf8Length(JSON.stringify(snapshot)),
    };
    this.#checkpoints = this.#checkpoints.filter((c) => c.info.clock !== clock);
    this.#checkpoints.push({ info, snapshot });
    this.#checkpoints.sort((a, b) => a.info.clock - b.info.clock);
    return Promise.resolve(info);
  }

  /** See {@linkcode HistoryBackend.deleteCheckpoint}. */
  deleteCheckpoint(clock: number): Promise<void> {
    this.#checkpoints = this.#checkpoints.filter((c) => c.info.clock !== clock);
    return Promise.resolve();
  }

  /** See {@linkcode HistoryBackend.deleteEntries}. */
  deleteEntries(clocks: number[]): Promise<void> {
    const gone = new Set(clocks);
    this.#entries = this.#entries.filter((k) => !gone.has(k.entry.clock));
    return Promise.resolve();
  }

  #inRange(range: HistoryRange): KeptEntry[] {
    const after = range.after ?? -Infinity;
    const upTo = range.upTo ?? Infinity;
    return this.#entries.filter((k) => k.entry.clock > after && k.entry.clock <= upTo);
  }
}

function infoOf(kept: KeptEntry): EntryInfo {
  const e = kept.entry;
  kept.bytes ??= utf8Length(JSON.stringify([e.puts, e.deletes, e.pruned])); // schema: shared
  return entryInfoOf(e, kept.bytes);
}
