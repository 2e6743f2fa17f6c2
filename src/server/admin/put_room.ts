/**
 * `PUT /admin/rooms/:id`: replace every document with a snapshot's (a `RoomSnapshot` or a
 * tldraw `TLStoreSnapshot`), through the room, so it is durable and broadcast before the 200.
 * @module
 */
import type { TLStoreSnapshotLike } from "../../room/load_snapshot.ts";
import { isRecordLike } from "../../room/validate_record.ts";
import type { RoomSnapshot } from "../../storage/storage.ts";
import { AdminError } from "./admin_error.ts";
import type { AdminRequest } from "./admin_request.ts";
import { readJsonBody } from "./read_json_body.ts";
import { useRoom } from "./use_room.ts";

/** Replace the room's documents; creates the room if needed. */
export async function putRoom(
  ctx: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  const snapshot = parseSnapshot(await readJsonBody(ctx.req, ctx.maxBodyBytes));
  const documentClock = await useRoom(ctx.registry, roomId, async (room) => {
    let durable: Promise<void>;
    try {
      durable = room.loadSnapshot(snapshot);
    } catch (error) {
      if (room.isClosed() || error instanceof AdminError) throw error;
      // Thrown before anything changed: the snapshot itself is unusable (bad record, migration).
      const message = error instanceof Error ? error.message : String(error);
      throw new AdminError(400, "invalid_snapshot", `Cannot load the snapshot: ${message}`);
    }
    await durable;
    return room.getDocumentClock();
  });
  return Response.json({ ok: true, documentClock });
}

function parseSnapshot(body: unknown): RoomSnapshot | TLStoreSnapshotLike {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("an object");
  const b = body as Record<string, unknown>;
  if (Array.isArray(b["documents"])) {
    for (const doc of b["documents"]) {
      const d = doc as { state?: unknown; lastChangedClock?: unknown } | null;
      if (typeof d !== "object" || d === null || !isRecordLike(d.state)) {
        throw invalid("documents of { state: record, lastChangedClock?: number }");
      }
      if (d.lastChangedClock !== undefined && typeof d.lastChangedClock !== "number") {
        throw invalid("numeric lastChangedClock values");
      }
    }
    return body as RoomSnapshot;
  }
  const store = b["store"];
  if (typeof store === "object" && store !== null && typeof b["schema"] === "object") {
    if (!Object.values(store).every(isRecordLike)) throw invalid("a store of records");
    return body as TLStoreSnapshotLike;
  }
  throw invalid("{ documents: [...] } or a tldraw { store, schema } snapshot");
}

function invalid(expected: string): AdminError {
  return new AdminError(400, "invalid_snapshot", `The snapshot must be ${expected}`);
}
