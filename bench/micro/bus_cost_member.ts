// Cluster members for bus_cost.ts: each serves on one of <ports> from the KV file <path>, with every
// get/list call through the handle counted and reported at `/__kv_reads`. K=V pairs become
// createKvCluster options (numbers when numeric). Lives in the benched checkout, so it imports
// that checkout's code:
//   deno run -A bench/micro/bus_cost_member.ts <port>[,<port>] <kv path> [K=V ...]
import { createSyncHandler, openKv } from "../../mod.ts";
import { createKvCluster } from "../../src/cluster/kv_cluster.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";

const [ports, kvPath, ...pairs] = Deno.args;
const options = Object.fromEntries(pairs.map((p) => {
  const [k, v] = p.split("=", 2) as [string, string];
  return [k, Number.isNaN(Number(v)) ? v : Number(v)];
}));
const base = await openKv(kvPath!);
// Several comma-separated ports: that many members in this process on one KV handle (a handle's
// watch sees its own writes, so this is how `busWake=watch` can be measured on a local file).
for (const port of ports!.split(",")) serveMember(base, Number(port));

function serveMember(base: KvLike, port: number): void {
  let reads = 0;
  const byKind = new Map<string, number>();
  const count = (kind: string, key: readonly unknown[]): void => {
    reads++;
    const name = `${kind} ${String(key[1] ?? key[0])}`;
    byKind.set(name, (byKind.get(name) ?? 0) + 1);
  };
  const counted: KvLike = {
    get: (key) => (count("get", key), base.get(key)),
    list: (sel, o) => (count("list", sel.prefix), base.list(sel, o)),
    atomic: () => base.atomic(),
    close: () => base.close(),
  };
  const watch = base.watch;
  if (typeof watch === "function") counted.watch = (keys) => watch.call(base, keys);
  const cluster = createKvCluster(counted, {
    maxChecksPerAtomic: 100,
    maxCommitsInFlight: 4,
    ...options,
  });
  const sync = createSyncHandler({ storage: cluster.storage, roomRouter: cluster.roomRouter });
  Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (req) => {
    if (new URL(req.url).pathname === "/__kv_reads") {
      return Response.json({ reads, byKind: Object.fromEntries(byKind) });
    }
    return sync.fetch(req) as Promise<Response>;
  });
}
