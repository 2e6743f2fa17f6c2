/**
 * History for a KV room: its storage keeps the log (`keepLog`) and this wrapper adds the rest.
 * On load it makes sure history has a base (a room stored before history was on gets a
 * checkpoint of its loaded state, written in the background) and sweeps checkpoint parts a
 * crash left behind; each commit only tells the background pruner (no await, no I/O on the
 * ack path).
 * @module
 */
import type { TimeSource } from "../../ports/time_source.ts";
import { BackendHistory } from "../backend_history.ts";
import type { ResolvedHistoryPolicy } from "../history_policy.ts";
import { HistoryPruner } from "../history_pruner.ts";
import type { RoomHistory } from "../room_history.ts";
import type { RoomSnapshot } from "../room_snapshot.ts";
import type { RoomStorage } from "../storage.ts";
import { KvHistoryBackend } from "./kv_history_backend.ts";
import type { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { LoadContext } from "./kv_load_context.ts";

/** What the wrapper needs. */
export interface KvHistoryRoomOptions {
  /** The bounds. */
  policy: ResolvedHistoryPolicy;
  /** Clock and timers of pruning. */
  time: TimeSource;
  /** A background step failed (base write, pruning pass); it is retried later. */
  onError?: (error: unknown) => void;
}

/**
 * The history of the room at `keys`, read without its lease (entries still in the shared journal
 * under `journalPrefix`, the store's prefix, included).
 */
export function kvRoomHistory(
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
  journalPrefix: KvKey,
): RoomHistory {
  return new BackendHistory(new KvHistoryBackend(kv, keys, ctx, journalPrefix));
}

/** `storage` (opened with `keepLog`) with its history kept within `options.policy`. */
export function withKvHistory(
  storage: RoomStorage,
  kv: KvLike,
  keys: RoomKeys,
  ctx: LoadContext,
  options: KvHistoryRoomOptions,
): RoomStorage {
  const backend = new KvHistoryBackend(kv, keys, ctx);
  const onError = options.onError ?? (() => {});
  const pruner = new HistoryPruner(backend, { ...options, onError });
  return {
    ...(storage.commitGatherMs ? { commitGatherMs: storage.commitGatherMs } : {}),
    load: async () => {
      const snapshot = await storage.load();
      if (snapshot) {
        ensureBase(backend, snapshot, options.time).then(() => {
          pruner.invalidate();
          pruner.noteCommit();
        }, onError);
      }
      return snapshot;
    },
    commit: (commit) => {
      pruner.noteCommit();
      return storage.commit(commit);
    },
    close: async () => {
      await pruner.close();
      await storage.close();
    },
  };
}

/**
 * History needs a base: a checkpoint, or a first entry that rewrote the whole room (a new room's
 * first save). Without either, checkpoint the state the room loaded. The same when the log has a
 * gap after the newest checkpoint (history was off meanwhile and the log was folded away): then
 * history starts over from the loaded state and the older checkpoints go.
 */
async function ensureBase(
  backend: KvHistoryBackend,
  snapshot: RoomSnapshot,
  time: TimeSource,
): Promise<void> {
  await backend.checkpointStore.sweepOrphans();
  const checkpoints = await backend.checkpoints();
  const newest = checkpoints.at(-1);
  if (newest ? !(await gapAfter(backend, newest.clock)) : await startsWithReplace(backend)) return;
  const base = await backend.writeCheckpoint(snapshot, time.now());
  for (const c of checkpoints) if (c.clock < base.clock) await backend.deleteCheckpoint(c.clock);
}

async function startsWithReplace(backend: KvHistoryBackend): Promise<boolean> {
  for await (const first of backend.entryInfos({ limit: 1 })) return first.replace;
  return false;
}

/**
 * With history on, every entry after the newest checkpoint is kept, so the room's head (the last
 * entry folded into its documents) is an entry. A head past the checkpoint without its entry
 * means entries were folded away without history.
 */
async function gapAfter(backend: KvHistoryBackend, checkpoint: number): Promise<boolean> {
  const head = await backend.deletableUpTo();
  if (head <= checkpoint) return false;
  for await (const _ of backend.entryInfos({ after: head - 1, upTo: head })) return false;
  return true;
}
