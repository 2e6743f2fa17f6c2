/**
 * Frames on the cluster bus, and their byte encoding: a JSON header line, then (for `msg`) the
 * client's or room's text frame verbatim. A frame too big for one KV value is split into parts.
 * @module
 */
import type { SessionIdentity } from "../room/session.ts";
import { splitBytes } from "../storage/kv/kv_codec.ts";

/** One event on a bus stream. `sid` names a client socket on the follower. */
export type BusFrame =
  /**
   * Follower → writer: a client socket opened (`s` session id, `ro` readonly, `m` meta, `id`
   * the authorized user).
   */
  | { k: "open"; sid: number; s: string; ro: boolean; m?: unknown; id?: SessionIdentity }
  /** Either way: a text frame for/from the socket. */
  | { k: "msg"; sid: number; d: string }
  /** Either way: the socket closed (writer → follower: with the code and reason to close with). */
  | { k: "close"; sid: number; c?: number; r?: string }
  /** Follower → writer: the follower is alive. */
  | { k: "beat" }
  /** Writer → follower: this channel is gone; close every socket so the clients reconnect. */
  | { k: "reset"; r: string };

/** Largest part stored under one key (below Deno KV's 65,536-byte value limit). */
export const BUS_PART_BYTES = 60_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const NEWLINE = 10;

/** Encode a frame as UTF-8: header JSON, a newline, then the payload of a `msg`. */
export function encodeFrame(frame: BusFrame): Uint8Array {
  if (frame.k !== "msg") return encoder.encode(JSON.stringify(frame) + "\n");
  return encoder.encode(JSON.stringify({ k: "msg", sid: frame.sid }) + "\n" + frame.d);
}

/** Decode bytes written by {@linkcode encodeFrame}. */
export function decodeFrame(bytes: Uint8Array): BusFrame {
  const newline = bytes.indexOf(NEWLINE);
  if (newline < 0) throw new Error("Bad bus frame: no header line");
  const header = JSON.parse(decoder.decode(bytes.subarray(0, newline))) as BusFrame;
  if (header.k === "msg") {
    return { k: "msg", sid: header.sid, d: decoder.decode(bytes.subarray(newline + 1)) };
  }
  return header;
}

/** Split an encoded frame into KV-value-sized parts (at least one). */
export function splitParts(bytes: Uint8Array, size: number = BUS_PART_BYTES): Uint8Array[] {
  return splitBytes(bytes, size);
}
