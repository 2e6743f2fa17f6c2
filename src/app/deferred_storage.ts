/**
 * A storage provider whose real implementation is still opening; calls wait for it.
 * @module
 */
import type {
  OpenRoomOptions,
  RoomSnapshot,
  RoomStorage,
  StorageProvider,
} from "../storage/storage.ts";
import type { RoomHistory } from "../storage/room_history.ts";

/** Forwards to the provider `ready` resolves to. */
export class DeferredStorage implements StorageProvider {
  #ready: Promise<StorageProvider>;
  /** Wrap a provider that is still opening. */
  constructor(ready: Promise<StorageProvider>) {
    this.#ready = ready;
  }
  /** See {@linkcode StorageProvider.openRoom}. */
  async openRoom(roomId: string, options?: OpenRoomOptions): Promise<RoomStorage> {
    return (await this.#ready).openRoom(roomId, options);
  }
  /** See {@linkcode StorageProvider.listRooms}. */
  async listRooms(): Promise<string[]> {
    return (await (await this.#ready).listRooms?.()) ?? [];
  }
  /** See {@linkcode StorageProvider.deleteRoom}. */
  async deleteRoom(roomId: string): Promise<void> {
    await (await this.#ready).deleteRoom?.(roomId);
  }
  /** See {@linkcode StorageProvider.salvageRoom}. */
  async salvageRoom(roomId: string): Promise<RoomSnapshot | undefined> {
    return await (await this.#ready).salvageRoom?.(roomId);
  }
  /** See {@linkcode StorageProvider.history}. */
  async history(roomId: string): Promise<RoomHistory | undefined> {
    return await (await this.#ready).history?.(roomId);
  }
  /** See {@linkcode StorageProvider.close}. */
  async close(): Promise<void> {
    await (await this.#ready).close?.();
  }
}
