/**
 * `PUT|POST|GET|HEAD /uploads/:roomId/:assetId` (and `/uploads/:id`): the asset routes a stock
 * tldraw front end needs, as the official tldraw self-hosting template offers them, with an auth
 * hook and a per-room byte quota.
 * @module
 */
import type { AssetStore, StoredAsset } from "../../assets/asset_store.ts";
import { MemoryQuotaLedger } from "../../assets/upload_quota.ts";
import { type Logger, silentLogger } from "../../ports/logger.ts";
import { systemTime, type TimeSource } from "../../ports/time_source.ts";
import type { HttpRoute, RouteContext } from "../http_route.ts";
import { DEFAULT_ROOM_ID_PATTERN } from "../room_id.ts";
import { parseAssetPath } from "./_asset_path.ts";
import { uploadAsset, type UploadContext } from "./_asset_upload.ts";
import { parseByteRange } from "./_byte_range.ts";
import { AddressLimiter, type AddressRateLimit, type ClientAddress } from "./address_limiter.ts";
import { corsHeaders, guarded, jsonError, methodNotAllowed, preflight } from "./_http.ts";
import {
  type AssetAuthorize,
  assetAuthorizeFromSync,
  checkAssetAccess,
} from "./asset_authorize.ts";

/** Default upload limit: 10 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES: number = 10 * 1024 * 1024;

/** Default asset id rule: 1–200 of `A–Z a–z 0–9 _ - . ~`, not starting with a dot. */
export const DEFAULT_ASSET_ID_PATTERN: RegExp = /^[A-Za-z0-9_~-][A-Za-z0-9_.~-]{0,199}$/;

/** Default per-room upload quota: 256 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES_PER_ROOM: number = 256 * 1024 * 1024;

/**
 * Default {@linkcode AssetRoutesOptions.uploadIdleTimeoutMs}: an upload body that sends nothing
 * for 30 s is cut off (408).
 */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS: number = 30_000;

/**
 * Default {@linkcode AssetRoutesOptions.uploadTimeoutMs}: a whole upload body must arrive within
 * 5 minutes (10 MiB at about 35 KB/s), else 408.
 */
export const DEFAULT_UPLOAD_TIMEOUT_MS: number = 5 * 60_000;

/** Options of {@linkcode assetRoutes}. */
export interface AssetRoutesOptions {
  /** Where assets are kept (and, through `store.quota`, how many bytes each room uses). */
  store: AssetStore;
  /** Largest upload in bytes; larger ones get 413. Default 10 MiB. */
  maxBytes?: number;
  /**
   * Bytes all uploads of one room may take; past it, 413 with `code: "quota_exceeded"`.
   * `/uploads/:id` uploads (no room) share one such quota. Default 256 MiB.
   */
  maxBytesPerRoom?: number;
  /**
   * Who may upload or read. Default: the sync server's `authorize` for uploads (see
   * {@linkcode assetAuthorizeFromSync}) when it has one, else everyone.
   */
  authorize?: AssetAuthorize;
  /** Which asset ids are valid; others get 400. Default {@linkcode DEFAULT_ASSET_ID_PATTERN}. */
  idPattern?: RegExp;
  /** Which room ids are valid in `/uploads/:roomId/:assetId`. Default: the sync server's rule. */
  roomIdPattern?: RegExp;
  /** Where store failures are reported. Default: silent. */
  logger?: Logger;
  /** Uploads per client address (reads are not limited). Default {@linkcode DEFAULT_UPLOAD_RATE}. */
  rateLimit?: AddressRateLimit;
  /**
   * How to find a request's client address. Default: the address the sync server saw
   * (`SyncServer.clientAddressOf`); `undefined` from it: not limited.
   */
  clientAddress?: ClientAddress;
  /**
   * Longest wait in ms for the next bytes of an upload body; then 408 and its quota is freed.
   * Default {@linkcode DEFAULT_UPLOAD_IDLE_TIMEOUT_MS}.
   */
  uploadIdleTimeoutMs?: number;
  /**
   * Longest time in ms a whole upload body may take; then 408 and its quota is freed. Default
   * {@linkcode DEFAULT_UPLOAD_TIMEOUT_MS}.
   */
  uploadTimeoutMs?: number;
  /** Wall time, for the rate limit and the upload deadlines. Default: the system clock. */
  time?: TimeSource;
}

/** Default {@linkcode AssetRoutesOptions.rateLimit}: 120 uploads a minute, 60 at once. */
export const DEFAULT_UPLOAD_RATE: AddressRateLimit = { perMinute: 120, burst: 60 };

const METHODS = "GET, HEAD, PUT, POST, OPTIONS";
const BUFFERED_BYTES = 1024 * 1024;
const PREFIX = "/uploads/";

/**
 * Serve uploads under `/uploads/:roomId/:assetId` (and `/uploads/:id`, not attributed to a room).
 * Only `image/*` and `video/*` bodies are accepted; each room has a byte quota; assets are
 * immutable (409 on an existing id) and served with a one-year immutable cache lifetime, byte
 * ranges, and headers that stop a browser from running an uploaded file as a page.
 *
 * @example Opt in from a library setup
 * ```ts ignore
 * import { createSyncHandler } from "@tlsync/edge";
 * import { assetRoutes, MemoryAssetStore } from "@tlsync/edge/assets";
 * import { unfurlRoute } from "@tlsync/edge/unfurl";
 *
 * const sync = createSyncHandler({
 *   routes: [assetRoutes({ store: new MemoryAssetStore() }), unfurlRoute()],
 * });
 * ```
 */
export function assetRoutes(options: AssetRoutesOptions): HttpRoute {
  const logger = options.logger ?? silentLogger;
  const idPattern = options.idPattern ?? DEFAULT_ASSET_ID_PATTERN;
  const roomPattern = options.roomIdPattern ?? DEFAULT_ROOM_ID_PATTERN;
  const time = options.time ?? systemTime;
  const upload: UploadContext = {
    store: options.store,
    quota: options.store.quota ?? new MemoryQuotaLedger({ now: () => time.now() }),
    maxBytes: options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    maxBytesPerRoom: options.maxBytesPerRoom ?? DEFAULT_MAX_UPLOAD_BYTES_PER_ROOM,
    time,
    idleTimeoutMs: options.uploadIdleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
    timeoutMs: options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS,
  };
  const limiter = new AddressLimiter(options.rateLimit ?? DEFAULT_UPLOAD_RATE, time);
  return (req: Request, url: URL, server: RouteContext): Promise<Response> | undefined => {
    if (!url.pathname.startsWith(PREFIX)) return undefined;
    return guarded(logger, "asset_route_failed", async () => {
      if (req.method === "OPTIONS") return preflight(req, METHODS);
      const path = parseAssetPath(url.pathname.slice(PREFIX.length), roomPattern, idPattern);
      if (path === null) return jsonError(400, "Invalid asset id");
      const write = req.method === "PUT" || req.method === "POST";
      if (!write && req.method !== "GET" && req.method !== "HEAD") {
        return methodNotAllowed(METHODS);
      }
      const limited = write
        ? limiter.check(req, options.clientAddress ?? ((r) => server?.clientAddressOf(r)))
        : null;
      if (limited) {
        await req.body?.cancel().catch(() => {});
        return limited;
      }
      const hook = options.authorize ??
        (server?.authorize ? assetAuthorizeFromSync(server.authorize) : undefined);
      const access = { action: write ? "write" : "read", ...path } as const;
      const denied = await checkAssetAccess(hook, req, access, logger);
      if (denied) {
        await req.body?.cancel().catch(() => {});
        return jsonError(denied.status, denied.error);
      }
      return write
        ? await uploadAsset(req, path, upload)
        : await download(req, path.storeId, options.store);
    });
  };
}

async function download(req: Request, id: string, store: AssetStore): Promise<Response> {
  const asset = await store.get(id);
  if (!asset) return jsonError(404, "Not found");
  const range = parseByteRange(req.headers.get("range"), asset.size);
  const headers = assetHeaders(asset);
  if (range.kind === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { ...headers, "content-range": `bytes */${asset.size}`, "content-length": "0" },
    });
  }
  const { offset, length } = range.kind === "partial" ? range : { offset: 0, length: asset.size };
  headers["content-length"] = String(length);
  if (range.kind === "partial") {
    headers["content-range"] = `bytes ${offset}-${offset + length - 1}/${asset.size}`;
  }
  const body = req.method === "HEAD" ? null : await responseBody(asset, offset, length);
  return new Response(body, { status: range.kind === "partial" ? 206 : 200, headers });
}

/**
 * Up to 1 MiB is sent from one buffer; more is streamed. Bun drops Content-Length (and sends
 * chunked) for streamed bodies, so small assets (most images) keep an exact length everywhere.
 */
async function responseBody(
  asset: StoredAsset,
  offset: number,
  length: number,
): Promise<BodyInit> {
  const stream = asset.read({ offset, length });
  return length <= BUFFERED_BYTES ? await new Response(stream).arrayBuffer() : stream;
}

/** The Content-Security-Policy of every downloaded asset. */
const ASSET_CSP = "default-src 'none'; form-action 'none'; sandbox";

function assetHeaders(asset: StoredAsset): Record<string, string> {
  return {
    ...corsHeaders(),
    "content-type": asset.contentType,
    "cache-control": "public, max-age=31536000, immutable",
    // An uploaded SVG or HTML-looking file must never run as a page on this origin: no script,
    // and opened as a document it is sandboxed (an opaque origin) with no form targets, which
    // `default-src` does not cover (an SVG's foreignObject could hold a phishing form).
    "content-security-policy": ASSET_CSP,
    "x-content-type-options": "nosniff",
    "accept-ranges": "bytes",
  };
}
