// Bench-only: upstream rooms made durable with upstream's own public storage API (tldraw licence;
// never imported from src/): `SQLiteSyncStorage` over `NodeSqliteWrapper`, one SQLite file per
// room, WAL + synchronous=NORMAL (a commit survives the process being killed; the OS crashing can
// lose the last commits). The runtime opens the file: node:sqlite on Deno, bun:sqlite on Bun.
import { NodeSqliteWrapper, SQLiteSyncStorage, type SyncSqliteDatabase } from "@tldraw/sync-core";
import type { UnknownRecord } from "@tldraw/store";

/** A SQLite database the runtime opened, with a way to close it. */
export type OpenDatabase = (path: string) => SyncSqliteDatabase & { close(): void };

/** Storage for one room, and the close of its file. */
export interface RoomFile {
  storage: SQLiteSyncStorage<UnknownRecord>;
  close(): void;
}

/** Longest room id used as a file name (bench room ids are short). */
const MAX_ID_CHARS = 200;

/** Open (or create) `<dir>/<room id>.sqlite` as a room's storage. */
export function openRoomFile(dir: string, roomId: string, open: OpenDatabase): RoomFile {
  const name = encodeURIComponent(roomId.slice(0, MAX_ID_CHARS)).replaceAll(".", "%2E");
  const db = open(`${dir}/${name}.sqlite`);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  const storage = new SQLiteSyncStorage<UnknownRecord>({ sql: new NodeSqliteWrapper(db) });
  return { storage, close: () => db.close() };
}
