/**
 * `/uploads/:id` (not attributed to a room) and `/uploads/:roomId/:assetId` paths.
 * @module
 */

/** A parsed asset path: its room (or `null`), id within the room, and key in the store. */
export interface AssetPath {
  /** The room of `/uploads/:roomId/:assetId`; `null` for `/uploads/:id`. */
  roomId: string | null;
  /** The asset's id within its room (the whole id for `/uploads/:id`). */
  assetId: string;
  /** The id in the asset store: `roomId/assetId`, or the bare id (as stored before rooms). */
  storeId: string;
}

/**
 * Parse the part of the path after `/uploads/`; `null` unless it is one id or a room id and an
 * asset id (each percent-decoded and matching its pattern).
 */
export function parseAssetPath(
  rest: string,
  roomPattern: RegExp,
  idPattern: RegExp,
): AssetPath | null {
  const slash = rest.indexOf("/");
  if (slash < 0) {
    const id = decode(rest);
    return id !== null && idPattern.test(id) ? { roomId: null, assetId: id, storeId: id } : null;
  }
  const roomId = decode(rest.slice(0, slash));
  const assetId = decode(rest.slice(slash + 1));
  if (roomId === null || assetId === null) return null;
  if (!roomPattern.test(roomId) || !idPattern.test(assetId)) return null;
  return { roomId, assetId, storeId: `${roomId}/${assetId}` };
}

function decode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
