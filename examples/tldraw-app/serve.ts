/**
 * The example tldraw app and the sync server on one origin (one port).
 *
 *   deno task example                          # from the repository root
 *   bun run examples/tldraw-app/serve.ts       # the same under Bun
 *
 * Builds the app with Vite first when `dist/` is missing or older than its sources (`npm install`
 * and `vite build` in this folder; `--rebuild` forces it, `--no-build` never builds). Then serves:
 *
 * - `ws://HOST/connect/:roomId`, `/health`: the sync server (`createSyncHandler` from mod.ts),
 *   rooms in Deno KV at `TLSYNC_DATA` (default `./data/example-app.kv.sqlite3`);
 * - `PUT|POST|GET /uploads/:roomId/:assetId` (images and videos, kept in the same KV database,
 *   with a per-room quota) and
 *   `GET /unfurl?url=` (bookmark previews): `assetRoutes` and `unfurlRoute` from mod.ts;
 * - `dist/` statics, and `index.html` for any other GET path (`/`, `/r/:roomId`, …).
 *
 * Listens on 127.0.0.1:8787 (`HOST`, `PORT`). Open http://127.0.0.1:8787/?room=test in two tabs.
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createSyncHandler, type HttpRoute, jsonLogger, type LogLevel, openKv } from "../../mod.ts";
import { KvStorageProvider } from "../../src/storage/kv/mod.ts";
import { assetRoutes, KvAssetStore } from "../../src/assets/mod.ts";
import { systemResolveHost, unfurlRoute } from "../../src/unfurl/mod.ts";

/** This folder (the app's sources, package.json and `dist/`). */
export const APP_DIR: string = fileURLToPath(new URL(".", import.meta.url));
/** Where `vite build` writes the app. */
export const DIST_DIR: string = join(APP_DIR, "dist");

/** Paths the static route never answers with `index.html`: the server's own routes. */
const API_PREFIXES = ["/connect", "/health", "/uploads", "/unfurl", "/api", "/admin", "/metrics"];

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm",
  ".mp4": "video/mp4",
};

/**
 * Serve the files of `dir` for GET/HEAD; any other GET path that is not one of the server's own
 * routes and has no file extension gets `index.html` (client-side routes such as `/r/:roomId`).
 * Everything else falls through to the next route.
 */
export function staticRoute(dir: string): HttpRoute {
  const root = normalize(dir + sep);
  return async (req, url) => {
    if (req.method !== "GET" && req.method !== "HEAD") return undefined;
    if (req.headers.get("upgrade")) return undefined;
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return undefined;
    }
    const isApi = API_PREFIXES.some((p) => path === p || path.startsWith(p + "/"));
    if (isApi) return undefined;
    if (path !== "/" && !path.includes("\0")) {
      const file = normalize(join(root, path));
      if (file.startsWith(root) && (await isFile(file))) {
        return fileResponse(req, file);
      }
    }
    if (extname(path) !== "") return undefined; // a missing file: the built-in 404
    return fileResponse(req, join(root, "index.html"));
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function fileResponse(req: Request, file: string): Promise<Response> {
  let body: Uint8Array;
  try {
    body = await readFile(file);
  } catch {
    return new Response("The app is not built: run `deno task example`\n", {
      status: 503,
    });
  }
  const hashed = file.includes(`${sep}assets${sep}`);
  const headers = {
    "content-type": CONTENT_TYPES[extname(file).toLowerCase()] ??
      "application/octet-stream",
    "content-length": String(body.byteLength),
    "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
  };
  return new Response(
    req.method === "HEAD" ? null : body as Uint8Array<ArrayBuffer>,
    { headers },
  );
}

/** Newest modification time (ms) of the app's sources. */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string): void => {
    const s = statSync(path);
    if (s.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const name of ["src", "index.html", "package.json", "vite.config.ts"]) {
    const path = join(APP_DIR, name);
    if (existsSync(path)) visit(path);
  }
  return newest;
}

/** True when `dist/index.html` exists and is newer than every source file. */
export function isBuilt(): boolean {
  const index = join(DIST_DIR, "index.html");
  return existsSync(index) && statSync(index).mtimeMs >= newestSource();
}

function run(cmd: string, args: string[]): void {
  const result = spawnSync(cmd, args, {
    cwd: APP_DIR,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${result.error ?? `exit ${result.status}`})`,
    );
  }
}

/** `npm install` (when needed) and `vite build`, unless `dist/` is up to date or `force`. */
export function ensureBuilt(force = false): void {
  if (!force && isBuilt()) return;
  if (!existsSync(join(APP_DIR, "node_modules", "vite", "package.json"))) {
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"]);
  }
  run("npm", ["run", "build", "--silent"]);
}

/** Options of {@linkcode startExampleServer}. */
export interface ExampleServerOptions {
  hostname?: string;
  port?: number;
  /** Deno KV path (file, `:memory:` or KV Connect URL). */
  dataPath?: string;
  logLevel?: LogLevel;
}

/** Start the app + sync server; resolves once listening. */
export async function startExampleServer(
  options: ExampleServerOptions = {},
): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 8787;
  const dataPath = options.dataPath ?? "./data/example-app.kv.sqlite3";
  const logger = jsonLogger(options.logLevel ?? "info");
  const kv = await openKv(dataPath);
  const storage = new KvStorageProvider(kv); // rooms; closing it closes `kv`
  const sync = createSyncHandler({
    storage,
    logger,
    routes: [
      assetRoutes({ store: new KvAssetStore(kv), logger }), // PUT/POST/GET /uploads/:roomId/:assetId
      unfurlRoute({ logger, resolveHost: systemResolveHost }), // GET /unfurl?url=
      staticRoute(DIST_DIR), // the app; index.html for other GET paths
    ],
  });
  const url = `http://${hostname}:${port}`;
  const g = globalThis as {
    // deno-lint-ignore no-explicit-any
    Bun?: { serve(o: any): { stop(closeActive?: boolean): unknown } };
    Deno?: {
      serve(
        o: { hostname: string; port: number; onListen?: () => void },
        h: (r: Request, info: unknown) => Promise<Response>,
      ): { shutdown(): Promise<void> };
    };
  };
  let stopListening: () => Promise<void>;
  if (g.Bun) {
    const server = g.Bun.serve({
      hostname,
      port,
      fetch: sync.fetch,
      websocket: sync.websocket,
    });
    stopListening = async () => void server.stop(true);
  } else if (g.Deno) {
    const server = g.Deno.serve(
      { hostname, port, onListen: () => {} },
      (req, info) =>
        sync.fetch(req, info).then((res) => res ?? new Response(null, { status: 500 })),
    );
    stopListening = () => server.shutdown();
  } else {
    throw new Error("run me with Deno or Bun");
  }
  return {
    url,
    close: async () => {
      await sync.close();
      await stopListening();
    },
  };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (!args.includes("--no-build")) ensureBuilt(args.includes("--rebuild"));
  const server = await startExampleServer({
    hostname: process.env.HOST || "127.0.0.1",
    port: Number(process.env.PORT || 8787),
    dataPath: process.env.TLSYNC_DATA || "./data/example-app.kv.sqlite3",
    logLevel: (process.env.TLSYNC_LOG_LEVEL || "info") as LogLevel,
  });
  // deno-lint-ignore no-console
  console.log(
    `tldraw app + sync server: ${server.url}/?room=test (open it in two tabs)`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    server.close().finally(() => {
      clearTimeout(force);
      process.exit(0);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
