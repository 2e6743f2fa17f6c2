/**
 * Several server instances sharing one Deno KV: each room is served by the instance holding its
 * lease, and the others forward their clients' frames to it through KV. See ARCHITECTURE.md,
 * "Multi-instance".
 *
 * @example Run this process as a member of a cluster
 * ```ts ignore
 * import { createSyncHandler, openKv } from "@tlsync/edge";
 * import { createKvCluster } from "@tlsync/edge/cluster";
 *
 * const cluster = createKvCluster(await openKv("./data/tlsync.kv.sqlite3"));
 * const sync = createSyncHandler({ storage: cluster.storage, roomRouter: cluster.roomRouter });
 * Deno.serve({ hostname: "127.0.0.1", port: 8787 }, sync.fetch);
 * ```
 * @module
 */
export { BusWake, createKvCluster, type KvCluster, type KvClusterOptions } from "./kv_cluster.ts";
export type { RoomEndpoint, RoomRouter, RoomRouterFactory } from "../server/room_router.ts";
