/**
 * A {@linkcode StorageProvider} decorator that times every room commit, so storage needs no
 * metrics code of its own.
 * @module
 */
import type { RoomStorage, StorageProvider } from "../storage/storage.ts";
import type { StorageHealth } from "../storage/storage_health.ts";

/** Where commit durations go. */
export interface CommitObserver {
  /** Monotonic milliseconds. */
  now(): number;
  /** One commit took `seconds` (failed commits included). */
  observeCommit(seconds: number): void;
}

/**
 * `provider` with every `RoomStorage.commit` timed (and its outcome reported to `health`, if
 * given); optional methods stay optional.
 */
export function timedStorage(
  provider: StorageProvider,
  observer: CommitObserver,
  health?: StorageHealth,
): StorageProvider {
  return {
    openRoom: async (roomId, options) =>
      timedRoom(await provider.openRoom(roomId, options), observer, health),
    ...(provider.listRooms ? { listRooms: () => provider.listRooms!() } : {}),
    ...(provider.deleteRoom
      ? { deleteRoom: (roomId: string) => provider.deleteRoom!(roomId) }
      : {}),
    ...(provider.salvageRoom
      ? { salvageRoom: (roomId: string) => provider.salvageRoom!(roomId) }
      : {}),
    ...(provider.history ? { history: (roomId: string) => provider.history!(roomId) } : {}),
    ...(provider.close ? { close: () => provider.close!() } : {}),
  };
}

function timedRoom(
  storage: RoomStorage,
  observer: CommitObserver,
  health: StorageHealth | undefined,
): RoomStorage {
  return {
    load: () => storage.load(),
    close: () => storage.close(),
    ...(storage.commitGatherMs ? { commitGatherMs: storage.commitGatherMs } : {}),
    commit: (commit) => {
      const start = observer.now();
      const done = (): void => {
        observer.observeCommit((observer.now() - start) / 1000);
      };
      let result;
      try {
        result = storage.commit(commit);
      } catch (error) {
        done();
        health?.commitFailed(error);
        throw error;
      }
      if (result) {
        return result.then(
          () => (done(), health?.commitSucceeded()),
          (error) => {
            done();
            health?.commitFailed(error);
            throw error;
          },
        );
      }
      done(); // a synchronous return means durable now: stay synchronous
      health?.commitSucceeded();
      return result;
    },
  };
}
