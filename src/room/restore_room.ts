/**
 * Restore: make a live room equal to its state at a past clock, as a new commit through the
 * normal durable path (`Room.loadSnapshot`): connected clients receive an ordinary diff, nobody
 * reloads, and the restore is itself a commit in history (restoring the clock before it undoes
 * it).
 * @module
 */
import type { RoomHistory } from "../storage/room_history.ts";
import type { Room } from "./room.ts";

/** The outcome of {@linkcode restoreRoom}. */
export interface RestoreResult {
  /** The clock restored from. */
  restoredFrom: number;
  /** The room's clock after the restore commit (unchanged when nothing differed). */
  clock: number;
}

/**
 * Restore `room` to its state at `clock` read from `history`; durable and broadcast on return.
 * `undefined` when `clock` is not a kept restore point.
 */
export async function restoreRoom(
  room: Room,
  history: RoomHistory,
  clock: number,
): Promise<RestoreResult | undefined> {
  const snapshot = await history.at(clock);
  if (!snapshot) return undefined;
  await room.loadSnapshot(snapshot);
  return { restoredFrom: clock, clock: room.getDocumentClock() };
}
