/**
 * A room router whose real implementation is still being set up (the KV opens in the
 * background); until it is ready, and if it never comes, the registry routes.
 * @module
 */
import type { RoomEndpoint, RoomRouter, RoomRouterFactory } from "../server/room_router.ts";

/** A factory forwarding to the factory `ready` resolves to (or to the registry if none). */
export function deferRouter(ready: Promise<RoomRouterFactory | undefined>): RoomRouterFactory {
  return (registry) => {
    const router: Promise<RoomRouter> = ready.then(
      (f) => f?.(registry) ?? registry,
      () => registry,
    );
    return {
      acquire: async (roomId: string): Promise<RoomEndpoint> => (await router).acquire(roomId),
      releaseIfEmpty: (roomId: string): void => void router.then((r) => r.releaseIfEmpty(roomId)),
      close: async (): Promise<void> => await (await router).close?.(),
    };
  };
}
