/**
 * Reassembly of one bus stream: entries keyed `[seq, part, parts]` (relative to the stream's
 * prefix), read in key order, become whole frames in `seq` order. Streams are written by one
 * sequential writer, so a frame is only missing while its parts are still being written; a hole
 * before a later frame means entries expired (the stream is broken).
 * @module
 */
import type { KvKey } from "../storage/kv/kv_like.ts";
import { joinBytes } from "../storage/kv/kv_codec.ts";
import { type BusFrame, decodeFrame } from "./bus_frame.ts";

/** One stored part, its key relative to the stream prefix: `[seq, part, parts]`. */
export interface StreamEntry {
  tail: KvKey;
  value: Uint8Array;
}

/** What a read of a stream yielded. */
export interface Collected {
  /** Whole frames from `nextSeq` on, in order. */
  frames: BusFrame[];
  /** Tails to delete (consumed or stale). */
  consumed: KvKey[];
  /** The next `seq` to expect. */
  nextSeq: number;
  /** True when a later frame exists but `nextSeq` is gone (expired): the stream is broken. */
  broken: boolean;
}

/** Collect the whole frames that follow `nextSeq`. Entries must be in key order. */
export function collectFrames(entries: StreamEntry[], nextSeq: number): Collected {
  const frames: BusFrame[] = [];
  const consumed: KvKey[] = [];
  let i = 0;
  while (i < entries.length) {
    const [seq, , parts] = entries[i]!.tail as [number, number, number];
    let j = i;
    while (j < entries.length && entries[j]!.tail[0] === seq) j++;
    const group = entries.slice(i, j);
    if (seq < nextSeq) {
      consumed.push(...group.map((e) => e.tail));
    } else if (seq > nextSeq) {
      return { frames, consumed, nextSeq, broken: true };
    } else {
      if (!isComplete(group, parts)) {
        // Still being written, unless a later frame exists (then parts of this one expired).
        return { frames, consumed, nextSeq, broken: j < entries.length };
      }
      frames.push(decodeFrame(joinBytes(group.map((e) => e.value))));
      consumed.push(...group.map((e) => e.tail));
      nextSeq++;
    }
    i = j;
  }
  return { frames, consumed, nextSeq, broken: false };
}

function isComplete(group: StreamEntry[], parts: number): boolean {
  if (group.length !== parts) return false;
  return group.every((e, index) => e.tail[1] === index);
}
