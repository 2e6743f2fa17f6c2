// Test-only: a dataset of every key part type, written and dumped the same way by each runtime
// (in-process, or by kv_interop_child.ts in a subprocess), for the cross-runtime file tests.
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";

/** The keys written, in Deno KV key order (each value is its index as one byte, then 0xee). */
export const DATASET: KvKey[] = [
  ["interop", new Uint8Array([0, 255])],
  ["interop", "\0nul"],
  ["interop", "a"],
  ["interop", "a", 1],
  ["interop", "é日本"],
  ["interop", -(1n << 70n)],
  ["interop", 0n],
  ["interop", 42n],
  ["interop", -Infinity],
  ["interop", -0.25],
  ["interop", 0],
  ["interop", 3],
  ["interop", 1e300],
  ["interop", false],
  ["interop", true],
];

/** One entry as JSON (keys tagged, numbers as strings so -0 and Infinity survive). */
export interface DumpedEntry {
  key: string[];
  value: string;
  versionstamp: string;
}

const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

function tag(part: KvKey[number]): string {
  if (part instanceof Uint8Array) return `u:${hex(part)}`;
  if (typeof part === "number") return `n:${Object.is(part, -0) ? "-0" : String(part)}`;
  if (typeof part === "bigint") return `i:${part}`;
  return `${typeof part === "string" ? "s" : "b"}:${String(part)}`;
}

/** `DATASET` as the dump of a store holding it would show it (versionstamps left empty). */
export function expectedDump(): Omit<DumpedEntry, "versionstamp">[] {
  return DATASET.map((key, i) => ({ key: key.map(tag), value: hex(new Uint8Array([i, 0xee])) }));
}

/**
 * Write `DATASET` in three commits (reverse order, one with a long expireIn), plus a key that a
 * fourth commit deletes; the versionstamps of the four commits.
 */
export async function writeDataset(kv: KvLike): Promise<string[]> {
  const stamps: string[] = [];
  const keys = DATASET.map((key, i) => ({ key, i })).reverse();
  for (const chunk of [keys.slice(0, 5), keys.slice(5, 10), keys.slice(10)]) {
    const op = kv.atomic();
    for (const { key, i } of chunk) {
      op.set(key, new Uint8Array([i, 0xee]), i === 3 ? { expireIn: 3_600_000 } : undefined);
    }
    op.set(["interop-gone"], new Uint8Array([1]));
    const r = await op.commit();
    if (!r.ok) throw new Error("commit failed");
    stamps.push(r.versionstamp);
  }
  const r = await kv.atomic().delete(["interop-gone"]).commit();
  if (!r.ok) throw new Error("commit failed");
  stamps.push(r.versionstamp);
  return stamps;
}

/** Every entry under `["interop"]`, in list order. */
export async function dump(kv: KvLike): Promise<DumpedEntry[]> {
  const out: DumpedEntry[] = [];
  for await (const e of kv.list<Uint8Array>({ prefix: ["interop"] }, { batchSize: 4 })) {
    out.push({ key: e.key.map(tag), value: hex(e.value), versionstamp: e.versionstamp });
  }
  if ((await kv.get(["interop-gone"])).versionstamp !== null) throw new Error("deleted key read");
  return out;
}
