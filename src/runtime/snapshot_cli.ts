/**
 * Back up and restore rooms: `deno task snapshot export <room> [file]`,
 * `deno task snapshot import <room> <file>`, `deno task snapshot list`.
 * Uses TLSYNC_DATA (default ./data/tlsync.kv.sqlite3). Stop the server first, or the room's lease
 * makes the command wait for it.
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { createTLSchema } from "@tldraw/tlschema";
import { Room } from "../room/room.ts";
import type { RoomSnapshot } from "../storage/storage.ts";
import { firstLine } from "./default_backends.ts";
import { openDefaultStorage } from "./default_storage.ts";
import { DEFAULT_DATA_PATH } from "./default_server.ts";

async function main(args: string[]): Promise<number> {
  const [command, roomId, file] = args;
  const storage = await openDefaultStorage(process.env["TLSYNC_DATA"] ?? DEFAULT_DATA_PATH);
  try {
    if (command === "list") {
      for (const id of await storage.listRooms!()) process.stdout.write(`${id}\n`);
      return 0;
    }
    if (
      !roomId || (command !== "export" && command !== "import") || (command === "import" && !file)
    ) {
      process.stderr.write("usage: snapshot list | export <room> [file] | import <room> <file>\n");
      return 2;
    }
    const output = (snapshot: unknown): void => {
      const json = JSON.stringify(snapshot, null, 2);
      if (file) writeFileSync(file, json);
      else process.stdout.write(json + "\n");
    };
    let room: Room;
    try {
      room = await Room.load({
        roomId,
        storage: await storage.openRoom(roomId),
        schema: createTLSchema() as never,
      });
    } catch (error) {
      // A room whose stored state does not load: export what storage can still read.
      const salvaged = command === "export" ? await storage.salvageRoom?.(roomId) : undefined;
      if (!salvaged) throw error;
      process.stderr.write(
        `room "${roomId}" does not load (${firstLine(error)}); exported ` +
          `the ${salvaged.documents.length} readable records\n`,
      );
      output(salvaged);
      return 0;
    }
    if (command === "export") output(room.getSnapshot());
    else {
      await room.loadSnapshot(JSON.parse(readFileSync(file!, "utf8")) as RoomSnapshot);
      process.stderr.write(
        `imported ${file} into room "${roomId}" (clock ${room.getDocumentClock()})\n`,
      );
    }
    await room.close();
    return 0;
  } finally {
    await storage.close?.();
  }
}

process.exit(await main(process.argv.slice(2)));
