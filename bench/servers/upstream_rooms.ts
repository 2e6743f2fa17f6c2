// Bench-only: one upstream TLSocketRoom (tldraw licence; never imported from src/) per room id,
// closed and dropped when its last session leaves, like the official template.
import { TLSocketRoom } from "@tldraw/sync-core";

export const rooms = new Map<string, TLSocketRoom>();

export function getRoom(id: string): TLSocketRoom {
  let room = rooms.get(id);
  if (!room || room.isClosed()) {
    room = new TLSocketRoom({
      log: undefined,
      onSessionRemoved(r, { numSessionsRemaining }) {
        if (numSessionsRemaining === 0) {
          r.close();
          rooms.delete(id);
        }
      },
    });
    rooms.set(id, room);
  }
  return room;
}
