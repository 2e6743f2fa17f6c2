// A sync server whose KV commit batcher is tuned from the environment, to measure what packing
// more room commits per atomic saves (profile_load.ts target `batch-deno` / `batch-bun`).
// Env: TLSYNC_DATA (KV file), IN_FLIGHT (atomics in flight), MAX_CHECKS (room commits per atomic),
// GATHER_MS (each atomic waits this long before committing, so the next batch gathers the room
// commits that arrive meanwhile: a stand-in for a commit window in the batcher), PORT. Usage: deno run -A bench/micro/_batcher_server.ts  |  bun run bench/micro/_batcher_server.ts
import process from "node:process";
import { createSyncHandler } from "../../src/runtime/create_sync_handler.ts";
import { kvStorageOn } from "../../src/runtime/default_storage.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import type { KvAtomicLike, KvLike } from "../../src/storage/kv/kv_like.ts";
import { SyncMetrics } from "../../src/metrics/sync_metrics.ts";
import { metricsRoute } from "../../src/server/metrics_route.ts";

process.on("SIGTERM", () => process.exit(0));
const env = process.env;
const gatherMs = Number(env.GATHER_MS ?? 0);
const storage = kvStorageOn(delayed(await openKv(env.TLSYNC_DATA!), gatherMs), {
  maxCommitsInFlight: Number(env.IN_FLIGHT ?? 1),
  maxChecksPerAtomic: Number(env.MAX_CHECKS ?? 10),
});
const sync = createSyncHandler({
  storage,
  metrics: new SyncMetrics(),
  routes: [metricsRoute({})],
  limits: { maxSessionsPerRoom: 5000, maxPendingPerRoom: 5000, maxMessagesPerSecond: 100_000 },
});
const port = Number(env.PORT);
const g = globalThis as Record<string, unknown>;
if ("Bun" in g) {
  (g.Bun as { serve(o: unknown): unknown }).serve({
    hostname: "127.0.0.1",
    port,
    fetch: sync.fetch,
    websocket: sync.websocket,
  });
} else {
  Deno.serve(
    { hostname: "127.0.0.1", port, onListen() {} },
    async (req) => (await sync.fetch(req)) ?? new Response(null, { status: 500 }),
  );
}

/** `kv` whose atomic commits first wait `ms` (none when 0). */
function delayed(kv: KvLike, ms: number): KvLike {
  if (ms <= 0) return kv;
  const atomic = (): KvAtomicLike => {
    const op = kv.atomic();
    const wrapper: KvAtomicLike = {
      check: (...c) => (op.check(...c), wrapper),
      set: (k, v, o) => (op.set(k, v, o), wrapper),
      delete: (k) => (op.delete(k), wrapper),
      commit: () => new Promise((r) => setTimeout(r, ms)).then(() => op.commit()),
    };
    return wrapper;
  };
  return new Proxy(kv, {
    get: (t, p) => {
      if (p === "atomic") return atomic;
      const v = Reflect.get(t, p, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}
