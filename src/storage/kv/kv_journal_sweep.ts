/**
 * Delete shared-journal values no room needs any more, left by a writer that stopped without
 * deleting them (a crash, or values its rooms never checkpointed past before it closed). A value
 * is still needed when one of its rooms' heads points at its writer's journal at or before it;
 * otherwise every entry in it is in its room's own keys (or was replaced by a later writer's).
 * Values are written together with the head claims pointing at them, so a value this pass can
 * read has its claims visible too. A value that cannot be decoded is kept (its rooms are unknown).
 * A bounded number of values per pass; this writer's own values are left to it.
 * @module
 */
import { writeBatches } from "./atomic_packer.ts";
import { decodeValue } from "./kv_codec.ts";
import { RoomKeys } from "./kv_keys.ts";
import type { KvKey, KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";
import { readHeadLenient, type StoredHead } from "./kv_records.ts";
import { journalRooms, journalsPrefix } from "./kv_shared_journal.ts";

/** One pass over at most `maxValues` values under `prefix`'s journals; returns how many went. */
export async function sweepJournals(
  kv: KvLike,
  prefix: KvKey,
  ownWriter: string | undefined,
  maxValues = 1000,
): Promise<number> {
  const journals = journalsPrefix(prefix);
  const heads = new Map<string, StoredHead | null>();
  const headOf = async (roomId: string): Promise<StoredHead | null> => {
    if (!heads.has(roomId)) {
      heads.set(roomId, await readHeadLenient(kv, new RoomKeys(prefix, roomId)));
    }
    return heads.get(roomId)!;
  };
  const doomed: Mutation[] = [];
  for await (const e of kv.list<Uint8Array>({ prefix: journals }, { limit: maxValues })) {
    const writer = e.key[journals.length];
    const seq = e.key[journals.length + 1];
    if (writer === ownWriter || typeof seq !== "number") continue;
    const decoded = decodeValue(e.value);
    const rooms = decoded.ok ? journalRooms(decoded.value) : null;
    // A value that cannot be read may still be one a head points at: it is kept, and the room's
    // load skips and reports it like any other bad entry (deleting it hid the damage).
    if (rooms === null) continue;
    let needed = false;
    for (const roomId of Object.keys(rooms)) {
      const wal = (await headOf(roomId))?.wal;
      if (wal && wal.w === writer && wal.from <= seq) {
        needed = true;
        break;
      }
    }
    if (!needed) doomed.push({ key: e.key, value: null });
  }
  await writeBatches(kv, doomed, "KV journal sweep failed");
  return doomed.length;
}
