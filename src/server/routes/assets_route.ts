/**
 * `PUT|POST /uploads/:id` and `GET|HEAD /uploads/:id`: the asset routes a stock tldraw front end
 * needs, as the official tldraw self-hosting template offers them.
 * @module
 */
import type { AssetStore, StoredAsset } from "../../assets/asset_store.ts";
import { type Logger, silentLogger } from "../../room/logger.ts";
import type { HttpRoute } from "../http_route.ts";
import { parseByteRange } from "./_byte_range.ts";
import { corsHeaders, guarded, json, jsonError, methodNotAllowed, preflight } from "./_http.ts";

/** Default upload limit: 10 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES: number = 10 * 1024 * 1024;

/** Default asset id rule: 1–200 of `A–Z a–z 0–9 _ - . ~`, not starting with a dot. */
export const DEFAULT_ASSET_ID_PATTERN: RegExp = /^[A-Za-z0-9_~-][A-Za-z0-9_.~-]{0,199}$/;

/** Options of {@linkcode assetRoutes}. */
export interface AssetRoutesOptions {
  /** Where assets are kept. */
  store: AssetStore;
  /** Largest upload in bytes; larger ones get 413. Default 10 MiB. */
  maxBytes?: number;
  /** Which ids are valid; others get 400. Default {@linkcode DEFAULT_ASSET_ID_PATTERN}. */
  idPattern?: RegExp;
  /** Where store failures are reported. Default: silent. */
  logger?: Logger;
}

const METHODS = "GET, HEAD, PUT, POST, OPTIONS";
const BUFFERED_BYTES = 1024 * 1024;
const PREFIX = "/uploads/";

/**
 * Serve uploads under `/uploads/:id`. Only `image/*` and `video/*` bodies are accepted; assets
 * are immutable (409 on an existing id) and served with a one-year immutable cache lifetime,
 * byte ranges, and headers that stop a browser from running an uploaded file as a page.
 *
 * @example Opt in from a library setup
 * ```ts ignore
 * import { assetRoutes, createSyncHandler, MemoryAssetStore, unfurlRoute } from "@tlsync/edge";
 *
 * const sync = createSyncHandler({
 *   routes: [assetRoutes({ store: new MemoryAssetStore() }), unfurlRoute()],
 * });
 * ```
 */
export function assetRoutes(options: AssetRoutesOptions): HttpRoute {
  const logger = options.logger ?? silentLogger;
  const pattern = options.idPattern ?? DEFAULT_ASSET_ID_PATTERN;
  return (req: Request, url: URL): Promise<Response> | undefined => {
    if (!url.pathname.startsWith(PREFIX)) return undefined;
    return guarded(logger, "asset_route_failed", async () => {
      if (req.method === "OPTIONS") return preflight(req, METHODS);
      const id = decodeId(url.pathname.slice(PREFIX.length));
      if (id === null || !pattern.test(id)) return jsonError(400, "Invalid asset id");
      switch (req.method) {
        case "PUT":
        case "POST":
          return await upload(req, id, options);
        case "GET":
        case "HEAD":
          return await download(req, id, options.store);
        default:
          return methodNotAllowed(METHODS);
      }
    });
  };
}

async function upload(req: Request, id: string, options: AssetRoutesOptions): Promise<Response> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const contentType = uploadMediaType(req.headers.get("content-type"));
  if (contentType === null) {
    return jsonError(415, "Only image/* and video/* uploads are accepted");
  }
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) {
    return jsonError(413, `Upload is larger than ${maxBytes} bytes`);
  }
  if (req.body === null) return jsonError(400, "Missing upload body");
  const result = await options.store.put(id, req.body, contentType, { maxBytes });
  if (result.ok) return json({ ok: true, id });
  if (result.reason === "exists") return jsonError(409, `Asset "${id}" already exists`);
  return jsonError(413, `Upload is larger than ${maxBytes} bytes`);
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

function assetHeaders(asset: StoredAsset): Record<string, string> {
  return {
    ...corsHeaders(),
    "content-type": asset.contentType,
    "cache-control": "public, max-age=31536000, immutable",
    // An uploaded SVG or HTML-looking file must never run as a page on this origin.
    "content-security-policy": "default-src 'none'",
    "x-content-type-options": "nosniff",
    "accept-ranges": "bytes",
  };
}

/** The upload's media type (lower case, no parameters) if it is image/* or video/*. */
function uploadMediaType(header: string | null): string | null {
  const type = (header ?? "").split(";")[0]!.trim().toLowerCase();
  return /^(?:image|video)\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(type) ? type : null;
}

function decodeId(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
