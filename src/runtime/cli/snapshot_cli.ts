/**
 * Back up and restore rooms: `deno task snapshot export <room> [file]`,
 * `deno task snapshot import <room> <file>`, `deno task snapshot list`, and room history:
 * `deno task snapshot history <room>`, `deno task snapshot restore <room> --at <clock | time>`
 * (see `history_commands.ts`).
 * Uses TLSYNC_DATA (default ./data/tlsync.kv.sqlite3). A room open in a running server is held by
 * its lease: the command waits for the lease (TLSYNC_LEASE_MS + 1 s, default 7 s) and then exits
 * with status 3 and one line saying what to do. Expected failures print one `error:` line, never a stack trace:
 * status 1 (unknown room, unreadable file), 2 (usage), 3 (room held by a server).
 * @module
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { createTLSchema } from "@tldraw/tlschema";
import { Room } from "../../room/room.ts";
import type { RoomSnapshot, RoomStorage, StorageProvider } from "../../storage/storage.ts";
import { firstLine } from "../../ports/first_line.ts";
import { openDefaultStorage } from "../default_storage.ts";
import { DEFAULT_DATA_PATH } from "../../app/default_server.ts";
import { readEnv } from "../env.ts";
import { CliError } from "./cli_error.ts";
import { writeFileWhole } from "./write_file_whole.ts";
import {
  exportHistory,
  exportRange,
  HISTORY_USAGE,
  printHistory,
  restoreCommand,
  restoreTarget,
} from "./history_commands.ts";
import { historyFromEnv } from "../../app/history_env.ts";
import { RoomHeldError } from "../../storage/room_held_error.ts";

const USAGE =
  `usage: snapshot list | export <room> [file] | import <room> <file> | ${HISTORY_USAGE}`;

/** TLSYNC_LEASE_MS when set to a positive number (the default server's variable). */
function leaseMs(): number | undefined {
  const ms = Number(readEnv("TLSYNC_LEASE_MS") ?? "");
  return ms > 0 ? ms : undefined;
}

/** Progress lines, on a terminal only (stderr, so an export to stdout stays clean JSON). */
function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`${line}\n`);
}

async function run(args: string[], path: string): Promise<void> {
  const [command, roomId, file] = args;
  const valid = command === "list" || (command === "history" && roomId && !file) ||
    (command === "export" && roomId) || (command === "import" && roomId && file) ||
    (command === "restore" && roomId) || (command === "history-export" && roomId);
  if (!valid) throw new CliError(USAGE, 2);
  if (command === "restore") restoreTarget(args); // usage errors before opening anything
  if (command === "history-export") exportRange(args);
  const history = historyFromEnv();
  const storage = await openDefaultStorage(path, leaseMs(), history.enabled && history.policy);
  try {
    if (command === "history") {
      await printHistory(storage, roomId!, () => leaseRoom(storage, roomId!));
    } else if (command === "history-export") {
      await exportHistory(storage, roomId!, args, () => leaseRoom(storage, roomId!));
    } else if (command === "restore") {
      await restoreCommand(storage, roomId!, args, () => openRoom(storage, roomId!));
    } else if (command === "list") {
      for (const id of await storage.listRooms!()) process.stdout.write(`${id}\n`);
    } else if (command === "export") {
      await exportRoom(storage, roomId!, file, path);
    } else {
      await importRoom(storage, roomId!, file!);
    }
  } finally {
    await storage.close?.();
  }
}

/** Open the room's storage, taking its lease (waiting for a running server's, then refusing). */
async function leaseRoom(storage: StorageProvider, roomId: string): Promise<RoomStorage> {
  progress(
    `opening room "${roomId}" (if a running server holds it, this waits one lease lifetime, ` +
      "TLSYNC_LEASE_MS + 1 s, then gives up)…",
  );
  try {
    return await storage.openRoom(roomId);
  } catch (error) {
    if (error instanceof RoomHeldError) {
      throw new CliError(
        `room "${roomId}" is open in a running server (it holds the room's lease). Stop the ` +
          "server, or wait until nobody has been in the room for a while, then run this again.",
        3,
      );
    }
    throw error;
  }
}

async function openRoom(storage: StorageProvider, roomId: string): Promise<Room> {
  const started = Date.now();
  const roomStorage = await leaseRoom(storage, roomId);
  const room = await Room.load({ roomId, storage: roomStorage, schema: createTLSchema() as never });
  progress(
    `loaded room "${roomId}" (clock ${room.getDocumentClock()}) in ${Date.now() - started} ms`,
  );
  return room;
}

async function exportRoom(
  storage: StorageProvider,
  roomId: string,
  file: string | undefined,
  path: string,
): Promise<void> {
  const known = await storage.listRooms?.();
  if (known && !known.includes(roomId)) {
    throw new CliError(
      `no room "${roomId}" in ${path} (\`snapshot list\` shows the rooms; TLSYNC_DATA picks the database)`,
      1,
    );
  }
  let room: Room;
  try {
    room = await openRoom(storage, roomId);
  } catch (error) {
    // A room whose stored state does not load: export what storage can still read.
    const salvaged = error instanceof CliError ? undefined : await storage.salvageRoom?.(roomId);
    if (!salvaged) throw error;
    process.stderr.write(
      `room "${roomId}" does not load (${firstLine(error, 300)}); exported ` +
        `the ${salvaged.documents.length} readable records\n`,
    );
    writeSnapshot(salvaged, file);
    return;
  }
  try {
    const snapshot = room.getSnapshot();
    const chars = writeSnapshot(snapshot, file);
    progress(`exported ${snapshot.documents.length} records (${chars} characters)`);
  } finally {
    await room.close();
  }
}

/**
 * Write `snapshot` as JSON to `file` (whole or not at all: an earlier file survives a failed
 * write), or to stdout; returns its length in characters.
 */
function writeSnapshot(snapshot: RoomSnapshot, file: string | undefined): number {
  const json = JSON.stringify(snapshot, null, 2);
  if (file) writeFileWhole(file, json);
  else process.stdout.write(json + "\n");
  return json.length;
}

async function importRoom(storage: StorageProvider, roomId: string, file: string): Promise<void> {
  let snapshot: RoomSnapshot;
  try {
    snapshot = JSON.parse(readFileSync(file, "utf8")) as RoomSnapshot;
  } catch (error) {
    throw new CliError(`cannot read ${file} as a JSON snapshot: ${(error as Error).message}`, 1);
  }
  if (!Array.isArray(snapshot?.documents)) {
    throw new CliError(`${file} is not a room snapshot (it has no "documents" array)`, 1);
  }
  const room = await openRoom(storage, roomId);
  try {
    progress(`importing ${snapshot.documents.length} records…`);
    await room.loadSnapshot(snapshot);
    process.stderr.write(
      `imported ${file} into room "${roomId}" (clock ${room.getDocumentClock()})\n`,
    );
  } finally {
    await room.close();
  }
}

/** The one catch site: expected failures are one line; anything else also one line, status 1. */
async function main(args: string[]): Promise<number> {
  try {
    await run(args, readEnv("TLSYNC_DATA") ?? DEFAULT_DATA_PATH);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const usage = error instanceof CliError && error.status === 2;
    process.stderr.write(usage ? `${message}\n` : `error: ${message}\n`);
    return error instanceof CliError ? error.status : 1;
  }
}

process.exit(await main(process.argv.slice(2)));
