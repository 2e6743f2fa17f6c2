/**
 * One upload: media type and size checks, then the write through an {@linkcode UploadMeter} that
 * reserves the room's quota as bytes arrive and cuts off stalled or slow bodies, and at the end
 * the settlement of the upload's quota hold (what was stored stays counted, the rest is freed).
 * @module
 */
import type { AssetPutResult, AssetStore } from "../../assets/asset_store.ts";
import type { QuotaLedger } from "../../assets/upload_quota.ts";
import type { TimeSource } from "../../ports/time_source.ts";
import type { AssetPath } from "./_asset_path.ts";
import { json, jsonError } from "./_http.ts";
import { UploadMeter, type UploadRefusal } from "./_upload_meter.ts";

/**
 * Bytes gathered before each quota reservation: an upload holds at most what it has sent, and
 * a 10 MiB upload makes about 40 reservations.
 */
const RESERVE_STEP_BYTES = 256 * 1024;

/**
 * How long a quota hold outlives its upload's deadline, for the write after the last byte. A
 * hold left by a process that died stops counting after the deadline plus this.
 */
const HOLD_GRACE_MS = 60_000;

/** Limits and places of one upload. */
export interface UploadContext {
  store: AssetStore;
  quota: QuotaLedger;
  /** Largest upload. */
  maxBytes: number;
  /** Bytes per room (uploads without a room share the `""` bucket). */
  maxBytesPerRoom: number;
  /** Clock of the deadlines and quota holds. */
  time: TimeSource;
  /** Longest wait for the next bytes of a body, in ms. */
  idleTimeoutMs: number;
  /** Longest a whole body may take, in ms. */
  timeoutMs: number;
}

/** Store the body of `req` as `path`. */
export async function uploadAsset(
  req: Request,
  path: AssetPath,
  ctx: UploadContext,
): Promise<Response> {
  const contentType = uploadMediaType(req.headers.get("content-type"));
  const declared = Number(req.headers.get("content-length") ?? NaN);
  const bucket = path.roomId ?? "";
  const early = contentType === null
    ? jsonError(415, "Only image/* and video/* uploads are accepted")
    : await checkDeclared(req, declared, bucket, ctx);
  if (early !== null || contentType === null || req.body === null) {
    await req.body?.cancel().catch(() => {});
    return early ?? jsonError(400, "Missing upload body");
  }
  const start = ctx.time.now();
  const hold = { id: crypto.randomUUID(), expiresAt: start + ctx.timeoutMs + HOLD_GRACE_MS };
  const meter = new UploadMeter(req.body, {
    time: ctx.time,
    idleMs: ctx.idleTimeoutMs,
    deadlineAt: start + ctx.timeoutMs,
    maxBytes: ctx.maxBytes,
    stepBytes: RESERVE_STEP_BYTES,
    reserve: (bytes) => ctx.quota.reserve(bucket, bytes, ctx.maxBytesPerRoom, hold),
  });
  let kept = 0;
  try {
    const result = await putMetered(ctx.store, path.storeId, meter, contentType, ctx.maxBytes);
    if ("kind" in result) return refused(result, bucket, ctx);
    if (result.ok) {
      kept = result.size;
      return json({ ok: true, id: path.assetId });
    }
    if (result.reason === "exists") return jsonError(409, `Asset "${path.assetId}" already exists`);
    return tooLarge(ctx.maxBytes);
  } finally {
    if (meter.reserved > 0) await ctx.quota.settle(bucket, hold, kept);
  }
}

/** The store's answer, or the meter's refusal when it cut the body off (the store then fails). */
async function putMetered(
  store: AssetStore,
  id: string,
  meter: UploadMeter,
  contentType: string,
  maxBytes: number,
): Promise<AssetPutResult | UploadRefusal> {
  let result: AssetPutResult;
  try {
    result = await store.put(id, meter.body, contentType, { maxBytes });
  } catch (error) {
    if (meter.refusal) return meter.refusal;
    throw error;
  }
  return meter.refusal ?? result;
}

/**
 * Refusals known from the headers alone: a declared length of 0, over the cap, or over what the
 * room has left (checked, not reserved: bytes are reserved only as they arrive).
 */
async function checkDeclared(
  req: Request,
  declared: number,
  bucket: string,
  ctx: UploadContext,
): Promise<Response | null> {
  if (declared === 0) return jsonError(400, "Missing upload body");
  if (declared > ctx.maxBytes) return tooLarge(ctx.maxBytes);
  if (!(declared > 0) || req.body === null) return null;
  const used = await ctx.quota.used(bucket);
  return used + declared > ctx.maxBytesPerRoom
    ? quotaExceeded(bucket, used, ctx.maxBytesPerRoom)
    : null;
}

function refused(refusal: UploadRefusal, bucket: string, ctx: UploadContext): Response {
  switch (refusal.kind) {
    case "quota":
      return quotaExceeded(bucket, refusal.used, ctx.maxBytesPerRoom);
    case "too_large":
      return tooLarge(ctx.maxBytes);
    case "empty":
      return jsonError(400, "Missing upload body");
    case "idle":
      return uploadTimeout(`no bytes arrived for ${ctx.idleTimeoutMs} ms`);
    case "deadline":
      return uploadTimeout(`the body took longer than ${ctx.timeoutMs} ms`);
  }
}

function uploadTimeout(why: string): Response {
  return json({ error: `Upload timed out: ${why}`, code: "upload_timeout" }, 408);
}

function tooLarge(maxBytes: number): Response {
  return jsonError(413, `Upload is larger than ${maxBytes} bytes`);
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
