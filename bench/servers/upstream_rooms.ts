// Bench-only: one upstream TLSocketRoom (tldraw licence; never imported from src/) per room id,
// closed and dropped when its last session leaves, like the official template. In memory, or
// durable (one SQLite file per room, see upstream_sqlite.ts) once `useSqlite` was called.
import { TLSocketRoom } from "@tldraw/sync-core";
import { type OpenDatabase, openRoomFile, type RoomFile } from "./upstream_sqlite.ts";

export const rooms = new Map<string, TLSocketRoom>();
let sqlite: { dir: string; open: OpenDatabase } | undefined;

/** Keep every room in `<dir>/<room id>.sqlite`, opened with `open`. */
export function useSqlite(dir: string, open: OpenDatabase): void {
  sqlite = { dir, open };
}

export function getRoom(id: string): TLSocketRoom {
  let room = rooms.get(id);
  if (!room || room.isClosed()) {
    const file: RoomFile | undefined = sqlite && openRoomFile(sqlite.dir, id, sqlite.open);
    room = new TLSocketRoom({
      log: undefined,
      ...(file ? { storage: file.storage } : {}),
      onSessionRemoved(r, { numSessionsRemaining }) {
        if (numSessionsRemaining === 0) {
          r.close();
          file?.close();
          rooms.delete(id);
        }
      },
    });
    rooms.set(id, room);
  }
  return room;
}
