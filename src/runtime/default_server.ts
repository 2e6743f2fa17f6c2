/**
 * The zero-configuration server behind `deno serve mod.ts` and `bun run mod.ts`: Deno KV at
 * ./data/tlsync.kv.sqlite3 (TLSYNC_DATA), JSON logs (TLSYNC_LOG_LEVEL), room lease lifetime
 * (TLSYNC_LEASE_MS, default 6000), limits (TLSYNC_MAX_SESSIONS per room, TLSYNC_MAX_MPS messages
 * per second per session), graceful shutdown.
 * @module
 */
import type { Logger } from "../room/logger.ts";
import type { StorageProvider } from "../storage/storage.ts";
import { MemoryStorageProvider } from "../storage/memory_storage.ts";
import { createSyncHandler, type SyncHandler } from "./create_sync_handler.ts";
import { readEnv } from "./env.ts";
import { jsonLogger, type LogLevel } from "./json_logger.ts";
import { installShutdown } from "./shutdown.ts";
import { openDefaultStorage } from "./default_storage.ts";

/** Default KV location. */
export const DEFAULT_DATA_PATH = "./data/tlsync.kv.sqlite3";

/** Build the default server; storage opens in the background and requests wait for it. */
export function createDefaultServer(): SyncHandler {
  const logger = jsonLogger((readEnv("TLSYNC_LOG_LEVEL") ?? "info") as LogLevel);
  const path = readEnv("TLSYNC_DATA") ?? DEFAULT_DATA_PATH;
  const storage = new DeferredStorage(openStorage(path, logger));
  const limits = {
    ...(numberEnv("TLSYNC_MAX_SESSIONS")
      ? { maxSessionsPerRoom: numberEnv("TLSYNC_MAX_SESSIONS")! }
      : {}),
    ...(numberEnv("TLSYNC_MAX_MPS")
      ? {
        maxMessagesPerSecond: numberEnv("TLSYNC_MAX_MPS")!,
        messageBurst: numberEnv("TLSYNC_MAX_MPS")! * 5,
      }
      : {}),
  };
  const handler = createSyncHandler({ storage, logger, limits });
  installShutdown(() => handler.close(), logger);
  logger.info("server_started", { storage: path });
  return handler;
}

function numberEnv(name: string): number | undefined {
  const value = Number(readEnv(name) ?? "");
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

async function openStorage(path: string, logger: Logger): Promise<StorageProvider> {
  try {
    const lease = Number(readEnv("TLSYNC_LEASE_MS") ?? "") || undefined;
    return await openDefaultStorage(path, lease);
  } catch (error) {
    logger.error("storage_unavailable", {
      path,
      error: String(error),
      note: "falling back to in-memory storage: rooms will NOT survive a restart " +
        "(run with --allow-read --allow-write --allow-env, or set TLSYNC_DATA)",
    });
    return new MemoryStorageProvider();
  }
}

/** A provider whose real implementation is still opening. */
class DeferredStorage implements StorageProvider {
  #ready: Promise<StorageProvider>;
  constructor(ready: Promise<StorageProvider>) {
    this.#ready = ready;
  }
  async openRoom(roomId: string, options?: Parameters<StorageProvider["openRoom"]>[1]) {
    return (await this.#ready).openRoom(roomId, options);
  }
  async listRooms(): Promise<string[]> {
    return (await (await this.#ready).listRooms?.()) ?? [];
  }
  async deleteRoom(roomId: string): Promise<void> {
    await (await this.#ready).deleteRoom?.(roomId);
  }
  async close(): Promise<void> {
    await (await this.#ready).close?.();
  }
}
