// Test-only: cluster members in one process (a router over its own registry, on a shared KV
// handle) and a fake client socket speaking the sync protocol to a room endpoint.
import { createKvCluster, type KvClusterOptions } from "../../src/cluster/kv_cluster.ts";
import type { ClusterRouter } from "../../src/cluster/cluster_router.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import type { SocketLike } from "../../src/ports/socket_like.ts";
import { systemTime } from "../../src/ports/time_source.ts";
import { RoomRegistry } from "../../src/server/room_registry.ts";
import type { RoomEndpoint } from "../../src/server/room_router.ts";
import type { ServerEventMap } from "../../src/server/server_events.ts";
import { loggedChannel } from "../../src/ports/event_channel.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { sleep } from "./_cluster_client.ts";

export interface Node {
  router: ClusterRouter;
  registry: RoomRegistry;
  close(): Promise<void>;
}

export function node(kv: KvLike, ownerId: string, options: KvClusterOptions): Node {
  const cluster = createKvCluster(kv, { ownerId, leaseTtlMs: 60_000, ...options });
  const registry = new RoomRegistry({
    storage: cluster.storage,
    time: systemTime,
    logger: silentLogger,
    graceMs: 60_000,
    events: loggedChannel<ServerEventMap>(silentLogger, {}).emitter,
  });
  const router = cluster.roomRouter(registry) as ClusterRouter;
  return {
    router,
    registry,
    close: async () => {
      await registry.closeAll();
      await router.close();
    },
  };
}

/** Wait (bounded) until `cond` holds. */
export async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await sleep(5);
  }
}

type Msg = Record<string, unknown>;

/** A client socket on `endpoint`: connects, pushes shapes, records what it receives. */
export class FakeClient {
  readonly messages: Msg[] = [];
  #endpoint: RoomEndpoint;
  #socket: SocketLike;
  #session: string;
  #clock = 0;

  constructor(endpoint: RoomEndpoint, session: string) {
    this.#endpoint = endpoint;
    this.#session = session;
    this.#socket = { readyState: 1, send: (d) => this.#receive(d), close() {} };
    endpoint.handleSocketConnect({ sessionId: session, socket: this.#socket });
  }

  /** Finish the handshake. */
  async connect(): Promise<void> {
    this.#send({
      type: "connect",
      connectRequestId: "c",
      lastServerClock: -1,
      protocolVersion: 8,
      schema: serverSchema,
    });
    await until(() => this.messages.some((m) => m["type"] === "connect"), "connect reply");
  }

  /** Push one new shape; returns its client clock. */
  push(id: string): number {
    const clock = ++this.#clock;
    this.#send({ type: "push", clientClock: clock, diff: { [id]: ["put", geoShape(id, clock)] } });
    return clock;
  }

  /** Client clocks of the push results received, in arrival order. */
  ackedClocks(): number[] {
    return this.messages.filter((m) => m["type"] === "push_result" && m["action"] === "commit")
      .map((m) => m["clientClock"] as number);
  }

  /** Shape ids put by patches, in arrival order. */
  patchedShapes(): string[] {
    return this.messages.filter((m) => m["type"] === "patch")
      .flatMap((m) => Object.keys(m["diff"] as Msg).filter((id) => id.startsWith("shape:")));
  }

  leave(): void {
    this.#endpoint.handleSocketClose(this.#session, this.#socket);
  }

  #send(msg: Msg): void {
    this.#endpoint.handleSocketMessage(this.#session, JSON.stringify(msg), this.#socket);
  }

  #receive(data: string): void {
    const msg = JSON.parse(data) as Msg;
    this.messages.push(...(msg["type"] === "data" ? msg["data"] as Msg[] : [msg]));
  }
}

/** `kv` without `watch` (like a KvLike that has none). */
export function withoutWatch(kv: KvLike): KvLike {
  return {
    get: (key) => kv.get(key),
    list: (selector, options) => kv.list(selector, options),
    atomic: () => kv.atomic(),
    close: () => kv.close(),
  };
}
