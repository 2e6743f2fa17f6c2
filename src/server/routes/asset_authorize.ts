/**
 * The upload routes' auth hook, and its default: the sync server's connect hook, reused.
 * @module
 */
import type { Logger } from "../../ports/logger.ts";
import type { Authorize } from "../authorize.ts";

/** What a request wants to do with which asset. `roomId` is `null` for `/uploads/:id`. */
export interface AssetAccess {
  /** `write`: PUT/POST; `read`: GET/HEAD. */
  action: "read" | "write";
  /** The room the asset belongs to (`/uploads/:roomId/:assetId`), or `null`. */
  roomId: string | null;
  /** The asset id within the room (or the whole id of `/uploads/:id`). */
  assetId: string;
}

/** Allow (`true`/`undefined`), refuse with 403 (`false`), or refuse with a status and reason. */
export type AssetAuthorizeResult = boolean | void | { deny: 401 | 403; reason?: string };

/** Decide whether `req` may do `access`. A throwing hook refuses (403). */
export type AssetAuthorize = (
  req: Request,
  access: AssetAccess,
) => AssetAuthorizeResult | Promise<AssetAuthorizeResult>;

/** A refusal: HTTP status and message. */
export interface AssetDenial {
  /** 401 or 403. */
  status: 401 | 403;
  /** Why, for the JSON body. */
  error: string;
}

/**
 * The sync server's `authorize`, applied to uploads: a write needs a room (`/uploads/:room/:id`)
 * that the hook lets the request join, not read-only. Reads are allowed: asset URLs are
 * unguessable ids that `<img>` tags fetch without the app's credentials.
 */
export function assetAuthorizeFromSync(authorize: Authorize): AssetAuthorize {
  return async (req, access) => {
    if (access.action === "read") return true;
    if (access.roomId === null) {
      return { deny: 403, reason: "Uploads must name their room: /uploads/<roomId>/<assetId>" };
    }
    const result = await authorize(req, access.roomId);
    if (result === false) return false;
    if (result === true || result === undefined) return true;
    if ("refuse" in result) return { deny: 403, reason: result.refuse || "Forbidden" };
    return result.readonly ? { deny: 403, reason: "Read-only access" } : true;
  };
}

/** Run `hook` (none: allow); `null` when allowed. */
export async function checkAssetAccess(
  hook: AssetAuthorize | undefined,
  req: Request,
  access: AssetAccess,
  logger: Logger,
): Promise<AssetDenial | null> {
  if (!hook) return null;
  let result: AssetAuthorizeResult;
  try {
    result = await hook(req, access);
  } catch (error) {
    logger.error("asset_authorize_failed", { ...access, error: String(error) });
    return { status: 403, error: "Forbidden" };
  }
  if (result === true || result === undefined) return null;
  if (result === false) return { status: 403, error: "Forbidden" };
  const status = result.deny === 401 ? 401 : 403;
  return { status, error: result.reason || (status === 401 ? "Unauthorized" : "Forbidden") };
}
