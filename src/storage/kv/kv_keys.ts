/**
 * Key builders. Layout under `[...prefix, "room", roomId]`:
 * `head` (the checkpoint: clock the documents are complete up to, history start; a pending
 * journal in heads of earlier versions), `schema` (written only when it changes), `doc/<id>`
 * (record or tombstone), `chunk/<id>/<clock>/<i>` (parts of large records), `log/<clock>` (one
 * commit, or the manifest of its parts `log/<clock>/<i>`), `journal/<clock>/<i>` (read only). Leases live apart, under `[...prefix, "lease", roomId]`, so they can be
 * swept without reading rooms.
 * @module
 */
import type { KvKey } from "./kv_like.ts";

/** Builds the keys of one room. */
export class RoomKeys {
  /** Prefix of everything in the room. */
  readonly root: KvKey;
  #lease: KvKey;

  /** Keys of `roomId` under `prefix`. */
  constructor(prefix: KvKey, roomId: string) {
    this.root = [...prefix, "room", roomId];
    this.#lease = [...leasesPrefix(prefix), roomId];
  }

  /** The room head. */
  head(): KvKey {
    return [...this.root, "head"];
  }

  /** The serialized schema the documents conform to. */
  schema(): KvKey {
    return [...this.root, "schema"];
  }

  /** The single-writer lease. */
  lease(): KvKey {
    return this.#lease;
  }

  /** Prefix of all documents and tombstones. */
  docs(): KvKey {
    return [...this.root, "doc"];
  }

  /** One document or tombstone. */
  doc(id: string): KvKey {
    return [...this.root, "doc", id];
  }

  /** Prefix of all chunks. */
  chunks(): KvKey {
    return [...this.root, "chunk"];
  }

  /** One part of a large document written at `clock`. */
  chunk(id: string, clock: number, part: number): KvKey {
    return [...this.root, "chunk", id, clock, part];
  }

  /** Prefix of the whole log. */
  logs(): KvKey {
    return [...this.root, "log"];
  }

  /** The log entry (or its manifest) of the commit at `clock`. */
  log(clock: number): KvKey {
    return [...this.root, "log", clock];
  }

  /** One part of a log entry too large for one value. */
  logPart(clock: number, part: number): KvKey {
    return [...this.root, "log", clock, part];
  }

  /** Prefix of a journaled commit. */
  journal(clock: number): KvKey {
    return [...this.root, "journal", clock];
  }

  /** One part of a journaled commit. */
  journalPart(clock: number, part: number): KvKey {
    return [...this.root, "journal", clock, part];
  }
}

/** Prefix listing every room head. */
export function roomsPrefix(prefix: KvKey): KvKey {
  return [...prefix, "room"];
}

/** Prefix of every room's lease. */
export function leasesPrefix(prefix: KvKey): KvKey {
  return [...prefix, "lease"];
}
