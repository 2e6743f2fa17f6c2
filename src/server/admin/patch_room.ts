/**
 * `PATCH /admin/rooms/:id` with `{ put?: record[], remove?: id[] }`: one server-side edit
 * through `Room.updateStore`: validated, broadcast, durable before the 200.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import { isRecordLike } from "../../room/validate_record.ts";
import { AdminError } from "./admin_error.ts";
import type { AdminRequest } from "./admin_request.ts";
import { readJsonBody } from "./read_json_body.ts";
import { assertRoomExists, useRoom } from "./use_room.ts";

/** The body of a PATCH. */
export interface RoomPatch {
  /** Records to create or replace. */
  put?: UnknownRecord[];
  /** Ids of records to delete. */
  remove?: string[];
}

/** Apply puts and removes in one transaction; an invalid record is a 400 and changes nothing. */
export async function patchRoom(
  ctx: AdminRequest,
  { roomId }: { roomId: string },
): Promise<Response> {
  const patch = parsePatch(await readJsonBody(ctx.req, ctx.maxBodyBytes));
  await assertRoomExists(ctx.registry, roomId);
  const documentClock = await useRoom(ctx.registry, roomId, async (room) => {
    await room.updateStore((store) => {
      for (const record of patch.put ?? []) store.put(record);
      for (const id of patch.remove ?? []) store.delete(id);
    });
    return room.getDocumentClock();
  });
  return Response.json({ ok: true, documentClock });
}

function parsePatch(body: unknown): RoomPatch {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid("The body must be an object { put?: record[], remove?: id[] }");
  }
  const { put, remove, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw invalid(`Unknown field "${unknown[0]}": use put and remove`);
  if (put !== undefined && (!Array.isArray(put) || !put.every(isRecordLike))) {
    throw invalid("put must be an array of records with string id and typeName");
  }
  if (remove !== undefined && (!Array.isArray(remove) || !remove.every(isString))) {
    throw invalid("remove must be an array of record ids");
  }
  return body as RoomPatch;
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function invalid(message: string): AdminError {
  return new AdminError(400, "bad_request", message);
}
