/**
 * Entry point for Deno Deploy. The default server (mod.ts) keeps its data in a KV *file*, and
 * Deploy has no writable disk, so there it would fall back to memory. This entry uses Deploy's
 * managed Deno KV instead (`Deno.openKv()` with no path) for rooms and uploads, in cluster mode:
 * Deploy may run several isolates (and regions) at once, and the room lease in KV makes one of
 * them serve each room while the others forward their clients to it.
 *
 *   deployctl deploy --entrypoint examples/deploy/deno_deploy.ts   (needs "unstable": ["kv"])
 *
 * Locally, `deno run -A examples/deploy/deno_deploy.ts` opens Deno's default KV for this script
 * (under DENO_DIR) and listens on PORT (default 8000). Not run on Deno Deploy by this project.
 */
import { createSyncHandler, jsonLogger, type KvLike, type LogLevel } from "../../mod.ts";
import { adminRoutes } from "../../src/server/admin/mod.ts";
import { createKvCluster } from "../../src/cluster/mod.ts";
import { assetRoutes, KvAssetStore } from "../../src/assets/mod.ts";
import { systemResolveHost, unfurlRoute } from "../../src/unfurl/mod.ts";
import { metricsRoute } from "../../src/metrics/mod.ts";

const env = (name: string): string | undefined => Deno.env.get(name) || undefined;
const logger = jsonLogger((env("TLSYNC_LOG_LEVEL") ?? "info") as LogLevel);
// Managed KV on Deploy. (`openKv(path)` from mod.ts needs a path; KvLike is the subset of Deno.Kv
// the server uses, typed so that `@deno/kv` on Bun fits it too.)
const kv = (await Deno.openKv()) as unknown as KvLike;
const cluster = createKvCluster(kv, { logger });

const sync = createSyncHandler({
  storage: cluster.storage,
  roomRouter: cluster.roomRouter,
  logger,
  routes: [
    assetRoutes({ store: new KvAssetStore(kv), logger }),
    unfurlRoute({ logger, resolveHost: systemResolveHost }),
    metricsRoute({ token: env("TLSYNC_METRICS_TOKEN") }),
    adminRoutes({ token: env("TLSYNC_ADMIN_TOKEN"), logger }),
  ],
});

Deno.serve(
  { port: Number(env("PORT") ?? 8000) },
  async (req) => (await sync.fetch(req)) ?? new Response("Not found\n", { status: 404 }),
);
