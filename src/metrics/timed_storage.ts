/**
 * A {@linkcode StorageProvider} decorator that times every room commit, so storage needs no
 * metrics code of its own.
 * @module
 */
import type { RoomStorage, StorageProvider } from "../storage/storage.ts";

/** Where commit durations go. */
export interface CommitObserver {
  /** Monotonic milliseconds. */
  now(): number;
  /** One commit took `seconds` (failed commits included). */
  observeCommit(seconds: number): void;
}

/** `provider` with every `RoomStorage.commit` timed; optional methods stay optional. */
export function timedStorage(provider: StorageProvider, observer: CommitObserver): StorageProvider {
  return {
    openRoom: async (roomId, options) =>
      timedRoom(await provider.openRoom(roomId, options), observer),
    ...(provider.listRooms ? { listRooms: () => provider.listRooms!() } : {}),
    ...(provider.deleteRoom
      ? { deleteRoom: (roomId: string) => provider.deleteRoom!(roomId) }
      : {}),
    ...(provider.close ? { close: () => provider.close!() } : {}),
  };
}

function timedRoom(storage: RoomStorage, observer: CommitObserver): RoomStorage {
  return {
    load: () => storage.load(),
    close: () => storage.close(),
    commit: (commit) => {
      const start = observer.now();
      const done = (): void => {
        observer.observeCommit((observer.now() - start) / 1000);
      };
      const result = storage.commit(commit);
      if (result) return result.finally(done);
      done(); // a synchronous return means durable now: stay synchronous
      return result;
    },
  };
}
