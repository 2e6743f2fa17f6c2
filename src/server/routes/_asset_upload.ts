/**
 * One upload: media type and size checks, then a quota reservation in the asset's room, the
 * write, and the release of whatever the write did not use (all of it when the write failed).
 * @module
 */
import type { AssetStore } from "../../assets/asset_store.ts";
import type { QuotaLedger } from "../../assets/upload_quota.ts";
import type { AssetPath } from "./_asset_path.ts";
import { json, jsonError } from "./_http.ts";

/** Limits and places of one upload. */
export interface UploadContext {
  store: AssetStore;
  quota: QuotaLedger;
  /** Largest upload. */
  maxBytes: number;
  /** Bytes per room (uploads without a room share the `""` bucket). */
  maxBytesPerRoom: number;
}

/** Store the body of `req` as `path`. */
export async function uploadAsset(
  req: Request,
  path: AssetPath,
  ctx: UploadContext,
): Promise<Response> {
  const contentType = uploadMediaType(req.headers.get("content-type"));
  if (contentType === null) {
    return jsonError(415, "Only image/* and video/* uploads are accepted");
  }
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > ctx.maxBytes) return jsonError(413, `Upload is larger than ${ctx.maxBytes} bytes`);
  if (req.body === null) return jsonError(400, "Missing upload body");
  const bucket = path.roomId ?? "";
  const want = Number.isSafeInteger(declared) && declared >= 0 ? declared : ctx.maxBytes;
  const { granted, used } = await ctx.quota.reserve(bucket, want, ctx.maxBytesPerRoom);
  if (granted < want && (granted === 0 || want === declared)) {
    await ctx.quota.release(bucket, granted);
    await req.body.cancel().catch(() => {});
    return quotaExceeded(bucket, used, ctx.maxBytesPerRoom);
  }
  let kept = 0;
  try {
    const result = await ctx.store.put(path.storeId, req.body, contentType, { maxBytes: granted });
    if (result.ok) {
      kept = result.size;
      return json({ ok: true, id: path.assetId });
    }
    if (result.reason === "exists") return jsonError(409, `Asset "${path.assetId}" already exists`);
    if (granted < ctx.maxBytes) return quotaExceeded(bucket, used, ctx.maxBytesPerRoom);
    return jsonError(413, `Upload is larger than ${ctx.maxBytes} bytes`);
  } finally {
    await ctx.quota.release(bucket, granted - kept);
  }
}

function quotaExceeded(bucket: string, used: number, limit: number): Response {
  const room = bucket === "" ? "uploads without a room" : `room "${bucket}"`;
  return json({
    error: `Upload quota exceeded: ${room} has ${used} of ${limit} bytes in use`,
    code: "quota_exceeded",
    used,
    limit,
  }, 413);
}

/** The upload's media type (lower case, no parameters) if it is image/* or video/*. */
function uploadMediaType(header: string | null): string | null {
  const type = (header ?? "").split(";")[0]!.trim().toLowerCase();
  return /^(?:image|video)\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(type) ? type : null;
}
