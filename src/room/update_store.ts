/**
 * Server-side edits (`updateStore`, `loadSnapshot`) through the same path as client pushes:
 * validated, one transaction, broadcast to every session, committed to storage.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import isEqual from "fast-deep-equal";
import type { RoomSnapshot } from "../storage/storage.ts";
import { loadStore, type TLStoreSnapshotLike } from "./load_snapshot.ts";
import { checkRecordShape, checkRoomGrowth, measureRecords } from "./push_limits.ts";
import type { RoomCore } from "./room_core.ts";
import { broadcastOrRefuse } from "./session_exits.ts";
import { StoreTransaction } from "./store_transaction.ts";
import { validateDocument } from "./validate_record.ts";

/** What an updater sees: a point-in-time view plus staged writes. */
export interface StoreUpdateContext {
  /** A copy of a record (staged writes included). */
  get(id: string): UnknownRecord | undefined;
  /** Copies of every record (staged writes included). */
  getAll(): UnknownRecord[];
  /** Stage a create or replace. Throws for unknown types and invalid records. */
  put(record: UnknownRecord): void;
  /** Stage a delete. */
  delete(id: string): void;
}

/** A function that edits the room. */
export type StoreUpdater = (store: StoreUpdateContext) => void | Promise<void>;

/** Run `updater`, then apply its writes in one transaction. */
export async function updateDocuments(core: RoomCore, updater: StoreUpdater): Promise<void> {
  const staged = new Map<string, UnknownRecord | null>();
  const view = (id: string): UnknownRecord | undefined => {
    if (staged.has(id)) return staged.get(id) ?? undefined;
    return core.store.get(id);
  };
  let done = false;
  const assertActive = (): void => {
    if (done) throw new Error("Cannot use the store after the updater returned");
  };
  await updater({
    get: (id) => (assertActive(), clone(view(id))),
    getAll: () => {
      assertActive();
      const ids = new Set([...core.store.documents.keys(), ...staged.keys()]);
      return [...ids].map(view).filter((r): r is UnknownRecord => !!r).map((r) => clone(r)!);
    },
    put: (record) => {
      assertActive();
      checkRecordShape(core.limits, record);
      validateDocument(core.schema, record, core.store.get(record.id));
      staged.set(record.id, structuredClone(record));
    },
    delete: (id) => (assertActive(), void staged.set(id, null)),
  });
  done = true;
  applyStaged(core, staged);
}

/** Make the room's documents equal to `snapshot`'s (migrated up first). */
export function replaceDocuments(
  core: RoomCore,
  snapshot: RoomSnapshot | TLStoreSnapshotLike,
): void {
  const incoming = loadStore(core.schema, snapshot, { limits: core.limits }).store;
  const staged = new Map<string, UnknownRecord | null>();
  for (const [id, doc] of incoming.documents) staged.set(id, doc.state);
  for (const id of core.store.documents.keys()) {
    if (!incoming.documents.has(id)) staged.set(id, null);
  }
  applyStaged(core, staged);
}

/** Apply host writes under the same record and room caps as pushes (limit `SyncError`s). */
function applyStaged(core: RoomCore, staged: Map<string, UnknownRecord | null>): void {
  const txn = new StoreTransaction(core.store);
  let measured: Map<string, number>;
  try {
    for (const [id, record] of staged) {
      if (record === null) txn.delete(id);
      else {
        checkRecordShape(core.limits, record);
        const existing = txn.get(id);
        const valid = validateDocument(core.schema, record, existing);
        if (!existing || !isEqual(existing, valid)) txn.set(id, valid);
      }
    }
    measured = measureRecords(core.limits, txn.changes, null);
    checkRoomGrowth(core, txn.changes, measured);
  } catch (error) {
    txn.rollback();
    throw error;
  }
  const committed = txn.commit();
  if (committed.changes.size === 0) return;
  core.size.apply(committed.changes, measured);
  core.commits.record(committed.changes.keys(), committed.prunedTombstones);
  broadcastOrRefuse(core, committed.changes, committed.documentClock);
}

function clone(record: UnknownRecord | undefined): UnknownRecord | undefined {
  return record ? structuredClone(record) : undefined;
}
