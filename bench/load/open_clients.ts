// Opening groups of bench clients, one group per room, and the small helpers workloads share.
import type { Target } from "../targets.ts";
import { BenchClient, type Latencies } from "./bench_client.ts";

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let roomSeq = 0;

/** A fresh room tag: workloads never reuse a room of an earlier one. */
export function roomTag(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${roomSeq++}`;
}

export const url = (t: Target, room: string, s: string): string =>
  `ws://127.0.0.1:${t.port}/connect/${room}?sessionId=${s}`;

/** `rooms` rooms of `perRoom` connected clients each, every client with a shape id of its own. */
export async function openClients(
  t: Target,
  rooms: number,
  perRoom: number,
  lat: Latencies,
  fast = false,
): Promise<BenchClient[][]> {
  const out: BenchClient[][] = [];
  const tag = roomTag("r");
  for (let r = 0; r < rooms; r++) {
    const group = Array.from(
      { length: perRoom },
      (_, c) =>
        new BenchClient(url(t, `${tag}-${r}`, `s${c}`), lat, `shape:${tag}r${r}c${c}`, fast),
    );
    await Promise.all(group.map((c) => c.open()));
    out.push(group);
  }
  return out;
}
