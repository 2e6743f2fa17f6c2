/**
 * Keys of a room's history checkpoints, under the room's root (so deleting a room deletes its
 * history): `history/cp/<clock>` holds a checkpoint's manifest (the key that makes it visible),
 * `history/part/<clock>/<i>` its snapshot's bytes in parts of at most 60,000 bytes. Commit
 * entries are the room's log (`log/<clock>`, written by the KV storage itself).
 * @module
 */
import type { KvKey } from "./kv_like.ts";

/** History keys of one room. */
export class HistoryKeys {
  #root: KvKey;

  /** Keys under `roomRoot` (`RoomKeys.root`). */
  constructor(roomRoot: KvKey) {
    this.#root = roomRoot;
  }

  /** Prefix of every checkpoint manifest. */
  checkpoints(): KvKey {
    return [...this.#root, "history", "cp"];
  }

  /** A checkpoint's manifest. */
  checkpoint(clock: number): KvKey {
    return [...this.#root, "history", "cp", clock];
  }

  /** Prefix of every checkpoint part. */
  allParts(): KvKey {
    return [...this.#root, "history", "part"];
  }

  /** Prefix of one checkpoint's parts. */
  parts(clock: number): KvKey {
    return [...this.#root, "history", "part", clock];
  }

  /** One part. */
  part(clock: number, i: number): KvKey {
    return [...this.#root, "history", "part", clock, i];
  }
}
