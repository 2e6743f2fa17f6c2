// Where one KV atomic's time goes, by thread: the synchronous part of commit() on the JS thread,
// wall time to resolve, and CPU per thread (/proc/self/task: main = the JS thread, sw = denokv's
// SQLite worker, tokio-rt-worker = @deno/kv's napi runtime on Bun). Rooms of 1 check + 2 sets.
// PACE_MS=10: wait that long after each atomic, as a server under steady load does (one atomic per
// commit window). Paced atomics cost about twice as much CPU each as back-to-back ones (2026-12-01,
// sixth session: a file KV's SQLite thread 70-120 µs per atomic back to back, 160-260 paced).
// Usage: [PACE_MS=10] bun run bench/micro/kv_commit_threads.ts <kv file | :memory:>
//        [PACE_MS=10] deno run -A --unstable-kv bench/micro/kv_commit_threads.ts \
//          <kv file | :memory:>
import process from "node:process";
import { readdirSync, readFileSync } from "node:fs";
import { openKv } from "../../src/runtime/open_kv.ts";
const thr = () => {
  const o: Record<string, number> = {};
  for (const t of readdirSync(`/proc/${process.pid}/task`)) {
    const s = readFileSync(`/proc/${process.pid}/task/${t}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    const n = t === String(process.pid)
      ? "main"
      : s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")).replace(/[-\d]+$/, "");
    o[n] = (o[n] ?? 0) + (Number(f[11]) + Number(f[12])) * 10000;
  }
  return o;
};
const kv = await openKv(process.argv[2]);
const v = new TextEncoder().encode("x".repeat(350));
const paceMs = Number(process.env.PACE_MS ?? 0);
for (const rooms of [1, 10]) {
  let syncUs = 0, wallUs = 0;
  const n = (paceMs > 0 ? 600 : 6000) / rooms;
  const c0 = process.cpuUsage();
  const th0 = thr();
  for (let i = 0; i < n; i++) {
    const op = kv.atomic();
    for (let r = 0; r < rooms; r++) {
      op.check({ key: ["c", i, r, Math.random()], versionstamp: null });
      op.set(["tlsync", "room", "r000000000abc", "doc", "shape:" + i + "_" + r], v);
      op.set(["tlsync", "room", "r000000000abc", "head", r], v);
    }
    const t0 = performance.now();
    const p = op.commit();
    const t1 = performance.now();
    await p;
    const t2 = performance.now();
    syncUs += (t1 - t0) * 1000;
    wallUs += (t2 - t0) * 1000;
    if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
  }
  const c = process.cpuUsage(c0);
  const th1 = thr();
  const per = Object.entries(th1).map(([k, v]) => [k, Math.round((v - (th0[k] ?? 0)) / n)]).filter((
    [, v],
  ) => (v as number) > 0);
  console.log(
    `${process.argv[2]} rooms/atomic=${rooms}${
      paceMs ? `, paced ${paceMs} ms` : ""
    }: sync part of commit() ${(syncUs / n).toFixed(0)} µs, wall to resolve ${
      (wallUs / n).toFixed(0)
    } µs, process CPU ${((c.user + c.system) / n).toFixed(0)} µs per atomic; per thread µs/atomic ${
      JSON.stringify(Object.fromEntries(per))
    }`,
  );
}
process.exit(0);
