/**
 * `snapshot history <room>` and `snapshot restore <room> --at <clock | ISO time>`.
 *
 * `history` prints one restore point per line, oldest first: `<clock>\t<ISO time>\t<records>`.
 * `restore` makes the live state equal to its state at that clock (for a time: the newest point
 * at or before it) as a new commit and prints the new clock. Both hold the room's lease while
 * they work, so they wait for (then refuse) a room a running server holds, like export/import.
 * @module
 */
import process from "node:process";
import type { Room } from "../../room/room.ts";
import { restoreRoom } from "../../room/restore_room.ts";
import { parseHistoryTarget } from "../../storage/history_target.ts";
import type { RoomHistory } from "../../storage/room_history.ts";
import type { RoomStorage, StorageProvider } from "../../storage/storage.ts";
import { CliError } from "./cli_error.ts";

/** Usage of the history commands. */
export const HISTORY_USAGE = "history <room> | restore <room> --at <clock | ISO time>";

/** The room's history, or a CliError (status 1) naming why there is none. */
async function historyOf(storage: StorageProvider, roomId: string): Promise<RoomHistory> {
  const known = await storage.listRooms?.();
  if (known && !known.includes(roomId)) {
    throw new CliError(`no room "${roomId}" (\`snapshot list\` shows the rooms)`, 1);
  }
  const history = await storage.history?.(roomId);
  if (!history) {
    throw new CliError("this store keeps no history (is TLSYNC_HISTORY=0 set?)", 1);
  }
  return history;
}

/** Print the restore points while holding the room's lease (`lease` opens it). */
export async function printHistory(
  storage: StorageProvider,
  roomId: string,
  lease: () => Promise<RoomStorage>,
): Promise<void> {
  const history = await historyOf(storage, roomId);
  const held = await lease();
  try {
    const { points } = await history.points();
    let out = "";
    for (const p of points) {
      out += `${p.clock}\t${new Date(p.time).toISOString()}\t${p.records}\n`;
    }
    process.stdout.write(out);
  } finally {
    await held.close();
  }
}

/** The `--at` value of `restore <room> --at <x>`, or a usage error. */
export function restoreTarget(args: string[]): ReturnType<typeof parseHistoryTarget> & object {
  const at = args.indexOf("--at");
  const target = at >= 0 && args.length === at + 2 ? parseHistoryTarget(args[at + 1]) : null;
  if (!target) throw new CliError(`usage: snapshot ${HISTORY_USAGE}`, 2);
  return target;
}

/** Restore the room; prints the new clock. `open` loads the room (taking its lease). */
export async function restoreCommand(
  storage: StorageProvider,
  roomId: string,
  args: string[],
  open: () => Promise<Room>,
): Promise<void> {
  const target = restoreTarget(args);
  const history = await historyOf(storage, roomId);
  const room = await open();
  try {
    const clock = "clock" in target ? target.clock : await history.clockAt(target.time);
    const what = "clock" in target ? `clock ${target.clock}` : args.at(-1);
    const result = clock === undefined ? undefined : await restoreRoom(room, history, clock);
    if (!result) {
      throw new CliError(
        `room "${roomId}" keeps no restore point at ${what} (\`snapshot history ${roomId}\`)`,
        1,
      );
    }
    process.stderr.write(`restored room "${roomId}" to clock ${result.restoredFrom}\n`);
    process.stdout.write(`${result.clock}\n`);
  } finally {
    await room.close();
  }
}
