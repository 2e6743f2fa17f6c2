// One cluster member for bus_cost.ts: serves on <port> from the KV file <path>, with every
// get/list call through the handle counted and reported at `/__kv_reads`. K=V pairs become
// createKvCluster options (numbers when numeric). Lives in the benched checkout, so it imports
// that checkout's code:
//   deno run -A bench/micro/bus_cost_member.ts <port> <kv path> [K=V ...]
import { createSyncHandler, openKv } from "../../mod.ts";
import { createKvCluster } from "../../src/cluster/kv_cluster.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";

const [port, kvPath, ...pairs] = Deno.args;
const base = await openKv(kvPath!);
let reads = 0;
const byKind = new Map<string, number>();
function count(kind: string, key: readonly unknown[]): void {
  reads++;
  const name = `${kind} ${String(key[1] ?? key[0])}`;
  byKind.set(name, (byKind.get(name) ?? 0) + 1);
}
const counted: Record<string, unknown> = {
  get: (key: never) => (count("get", key), base.get(key)),
  list: (
    sel: { prefix: unknown[] },
    o: never,
  ) => (count("list", sel.prefix), base.list(sel as never, o)),
  atomic: () => base.atomic(),
  close: () => base.close(),
};
const watch = (base as { watch?: (keys: unknown) => unknown }).watch;
if (typeof watch === "function") counted.watch = (keys: unknown) => watch.call(base, keys);
const options = Object.fromEntries(pairs.map((p) => {
  const [k, v] = p.split("=", 2) as [string, string];
  return [k, Number.isNaN(Number(v)) ? v : Number(v)];
}));
const cluster = createKvCluster(counted as unknown as KvLike, {
  maxChecksPerAtomic: 100,
  maxCommitsInFlight: 4,
  ...options,
});
const sync = createSyncHandler({ storage: cluster.storage, roomRouter: cluster.roomRouter });
Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen() {} }, (req) => {
  if (new URL(req.url).pathname === "/__kv_reads") {
    return Response.json({ reads, byKind: Object.fromEntries(byKind) });
  }
  return sync.fetch(req) as Promise<Response>;
});
