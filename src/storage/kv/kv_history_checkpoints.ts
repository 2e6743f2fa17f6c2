/**
 * History checkpoints in KV: a full snapshot written as parts of at most 60,000 bytes in as many
 * atomics as KV's limits need, then made visible by one small manifest key, so a crash never
 * leaves a half checkpoint visible. Deleting removes the manifest first, then the parts; parts
 * without a manifest (a crash mid-write or mid-delete) are swept.
 * @module
 */
import type { CheckpointInfo } from "../history_backend.ts";
import type { RoomSnapshot } from "../room_snapshot.ts";
import { writeBatches } from "./atomic_packer.ts";
import { decodeValue, encodeJson, joinBytes, splitBytes } from "./kv_codec.ts";
import type { HistoryKeys } from "./kv_history_keys.ts";
import type { KvLike } from "./kv_like.ts";
import type { Mutation } from "./kv_limits.ts";

/** A checkpoint's manifest as stored. */
interface Manifest extends CheckpointInfo {
  v: 1;
  parts: number;
}

/** Checkpoints of one room. */
export class KvCheckpoints {
  #kv: KvLike;
  #keys: HistoryKeys;

  /** Checkpoints under `keys` in `kv`. */
  constructor(kv: KvLike, keys: HistoryKeys) {
    this.#kv = kv;
    this.#keys = keys;
  }

  /** Every visible checkpoint, oldest first (unreadable manifests are left out). */
  async list(): Promise<CheckpointInfo[]> {
    const out: CheckpointInfo[] = [];
    for await (const e of this.#kv.list<Uint8Array>({ prefix: this.#keys.checkpoints() })) {
      const m = manifestOf(e.value);
      if (m && m.clock === e.key.at(-1)) {
        out.push({ clock: m.clock, time: m.time, records: m.records, bytes: m.bytes });
      }
    }
    return out;
  }

  /** A checkpoint's snapshot; `undefined` when absent, incomplete or unreadable. */
  async read(clock: number): Promise<RoomSnapshot | undefined> {
    const m = manifestOf((await this.#kv.get<Uint8Array>(this.#keys.checkpoint(clock))).value);
    if (!m) return undefined;
    const parts: Uint8Array[] = [];
    for await (const e of this.#kv.list<Uint8Array>({ prefix: this.#keys.parts(clock) })) {
      if (e.value instanceof Uint8Array) parts[e.key.at(-1) as number] = e.value;
    }
    if (parts.length !== m.parts || parts.some((p) => p === undefined)) return undefined;
    const decoded = decodeValue(joinBytes(parts));
    const snapshot = decoded.ok ? decoded.value as RoomSnapshot : undefined;
    return Array.isArray(snapshot?.documents) ? snapshot : undefined;
  }

  /** Write `snapshot` as the checkpoint of its clock: parts first, the manifest last. */
  async write(snapshot: RoomSnapshot, time: number): Promise<CheckpointInfo> {
    const clock = snapshot.documentClock ?? 0;
    const parts = splitBytes(encodeJson(snapshot));
    const bytes = parts.reduce((n, p) => n + p.length, 0);
    const info = { clock, time, records: snapshot.documents.length, bytes };
    await writeBatches(
      this.#kv,
      parts.map((value, i) => ({ key: this.#keys.part(clock, i), value: value.slice() })),
      "KV history checkpoint write failed",
    );
    const manifest: Manifest = { v: 1, ...info, parts: parts.length };
    await writeBatches(this.#kv, [{
      key: this.#keys.checkpoint(clock),
      value: encodeJson(manifest),
    }]);
    return info;
  }

  /** Delete a checkpoint: invisible first (manifest), then its parts. */
  async delete(clock: number): Promise<void> {
    await writeBatches(this.#kv, [{ key: this.#keys.checkpoint(clock), value: null }]);
    const doomed: Mutation[] = [];
    for await (const e of this.#kv.list({ prefix: this.#keys.parts(clock) })) {
      doomed.push({ key: e.key, value: null });
    }
    await writeBatches(this.#kv, doomed);
  }

  /** Delete parts no manifest points to (left by a crash). Returns how many. */
  async sweepOrphans(): Promise<number> {
    const visible = new Set((await this.list()).map((c) => c.clock));
    const prefix = this.#keys.allParts();
    const doomed: Mutation[] = [];
    for await (const e of this.#kv.list({ prefix })) {
      if (!visible.has(e.key[prefix.length] as number)) doomed.push({ key: e.key, value: null });
    }
    await writeBatches(this.#kv, doomed);
    return doomed.length;
  }
}

function manifestOf(value: unknown): Manifest | null {
  const decoded = decodeValue(value);
  if (!decoded.ok || typeof decoded.value !== "object" || decoded.value === null) return null;
  const m = decoded.value as Partial<Manifest>;
  const ok = m.v === 1 && [m.clock, m.time, m.records, m.bytes, m.parts].every(isCount);
  return ok ? m as Manifest : null;
}

function isCount(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
