// Test-only child process for the cross-runtime and multi-process KV tests. Usage (Deno needs
// --unstable-kv):  <runtime> kv_interop_child.ts <write|dump|count|acks> <path> [sqlite|deno-kv] [n]
//   write: DATASET (kv_interop_data.ts), prints the commits' versionstamps as JSON
//   dump:  prints the entries under ["interop"] as JSON
//   count: n optimistic increments of ["counter"] (check + set, retried), prints their stamps
//   acks:  commits ["ack", i] for i = 0, 1, ... (at most n) and prints i after each commit
import process from "node:process";
import { type BunKvDriver, openKv } from "../../src/runtime/open_kv.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { lockRetryKv } from "../../src/storage/kv/lock_retry_kv.ts";
import { dump, writeDataset } from "./kv_interop_data.ts";

const [mode, path, driver, n] = process.argv.slice(2);
const kv = await openKv(path!, { bunDriver: (driver || "sqlite") as BunKvDriver });
const count = Number(n ?? 100);

async function increments(kv: KvLike): Promise<string[]> {
  const stamps: string[] = [];
  while (stamps.length < count) {
    const cur = await kv.get<Uint8Array>(["counter"]);
    const value = new DataView((cur.value ?? new Uint8Array(4)).slice().buffer).getUint32(0);
    const next = new Uint8Array(4);
    new DataView(next.buffer).setUint32(0, value + 1);
    const r = await kv.atomic().check(cur).set(["counter"], next).commit();
    if (r.ok) stamps.push(r.versionstamp);
  }
  return stamps;
}

if (mode === "write") console.log(JSON.stringify(await writeDataset(kv)));
else if (mode === "dump") console.log(JSON.stringify(await dump(kv)));
// Native Deno KV fails a commit that meets another process's write lock ("database is locked");
// the cluster wraps its KV in lockRetryKv for that, and so does this child.
else if (mode === "count") console.log(JSON.stringify(await increments(lockRetryKv(kv))));
else if (mode === "acks") {
  for (let i = 0; i < count; i++) {
    const r = await kv.atomic().set(["ack", i], new Uint8Array(100).fill(i & 255)).commit();
    if (!r.ok) throw new Error("commit failed");
    process.stdout.write(`${i}\n`);
  }
} else throw new Error(`unknown mode ${mode}`);
kv.close();
