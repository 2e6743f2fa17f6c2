/**
 * The checks a stored record passes before any migration or validator sees it: a record shape,
 * and the room's id, nesting and size caps (so a 10,000-level value never reaches recursion), a
 * well-formed id and finite numbers.
 * @module
 */
import { isWellFormedText, utf8Length } from "../protocol/utf8_length.ts";
import { LoadSkipReason, skipOf, type SkippedRecord } from "./load_skip.ts";
import { ShapeFault, shapeFault } from "./record_depth.ts";
import type { ResolvedRoomLimits } from "./room_limits.ts";
import { recordBytes } from "./room_size.ts";
import { isRecordLike } from "./validate_record.ts";

/** Why the stored `state` cannot enter the room, or `null` when it may go on to migration. */
export function screenStoredRecord(
  state: unknown,
  limits: ResolvedRoomLimits,
): SkippedRecord | null {
  const id = (state as { id?: unknown } | null)?.id;
  if (!isRecordLike(state)) {
    return skipOf(id, LoadSkipReason.NOT_A_RECORD, "not an object with string id and typeName");
  }
  if (!isWellFormedText(state.id)) {
    return skipOf(id, LoadSkipReason.INVALID_RECORD, "id has a lone surrogate");
  }
  const idBytes = utf8Length(state.id);
  if (idBytes > limits.maxRecordIdBytes) {
    return skipOf(
      id,
      LoadSkipReason.ID_TOO_LONG,
      `id of ${idBytes} bytes is over ${limits.maxRecordIdBytes}`,
    );
  }
  const fault = shapeFault(state, limits.maxRecordDepth);
  if (fault === ShapeFault.TOO_DEEP) {
    return skipOf(
      id,
      LoadSkipReason.RECORD_TOO_DEEP,
      `nested deeper than ${limits.maxRecordDepth} levels`,
    );
  }
  if (fault === ShapeFault.NOT_FINITE) {
    return skipOf(id, LoadSkipReason.INVALID_RECORD, "holds a number JSON cannot carry");
  }
  let bytes: number;
  try {
    bytes = recordBytes(state);
  } catch {
    return skipOf(id, LoadSkipReason.NOT_A_RECORD, "not serializable as JSON");
  }
  if (bytes > limits.maxRecordBytes) {
    return skipOf(
      id,
      LoadSkipReason.RECORD_TOO_LARGE,
      `${bytes} bytes is over ${limits.maxRecordBytes}`,
    );
  }
  return null;
}
