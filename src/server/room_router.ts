/**
 * Where a connection finds its room. By default the process's {@linkcode RoomRegistry}; a
 * cluster router (see `src/cluster/`) may instead hand out a proxy to a room run by another
 * server process.
 * @module
 */
import type { Room } from "../room/room.ts";
import type { RoomRegistry } from "./room_registry.ts";

/**
 * The slice of a room a connection drives. `Room` implements it. Without the optional handshake
 * accessors (a proxy of a remote room), every attached socket counts as connected.
 */
export type RoomEndpoint =
  & Pick<
    Room,
    "getSessionCount" | "handleSocketConnect" | "handleSocketMessage" | "handleSocketClose"
  >
  & Partial<Pick<Room, "getConnectedSessionCount" | "isSessionConnected">>;

/** Finds (or loads) the endpoint of a room for new connections. */
export interface RoomRouter {
  /** The room's endpoint, loading or locating it as needed. */
  acquire(roomId: string): Promise<RoomEndpoint>;
  /** Evict the room later if nobody is in it (e.g. a refused first connect). */
  releaseIfEmpty(roomId: string): void;
  /** Stop routing (server shutdown), after the registry closed its rooms. */
  close?(): Promise<void>;
}

/** Builds a router around the server's registry. */
export type RoomRouterFactory = (registry: RoomRegistry) => RoomRouter;
