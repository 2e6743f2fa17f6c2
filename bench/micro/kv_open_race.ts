// Several processes opening one new KV file at the same moment (deno serve --parallel workers,
// bun_cluster.ts, a cluster on a fresh data directory): each opens it with the server's openKv,
// commits once, and reports. Prints how many rounds had a process fail to open.
// Usage: deno run -A --unstable-kv bench/micro/kv_open_race.ts [processes=4] [rounds=40]
//        bun run bench/micro/kv_open_race.ts [processes=4] [rounds=40]
// Measured 2026-12-01 (sixth session), 4 processes, 40 rounds: before retrying a locked open,
// 5 rounds failed on Deno ("database is locked" from Deno.openKv) and, 3 processes, 19 of 40 on
// Bun (the switch to WAL); after, none.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { openKv } from "../../src/runtime/open_kv.ts";

const bun = "Bun" in globalThis;
const [mode, path, start] = process.argv.slice(2);
if (mode === "child") {
  while (Date.now() < Number(start)) {
    // every process starts its open in the same millisecond
  }
  try {
    const kv = await openKv(path!);
    const r = await kv.atomic().set(["opened", process.pid], new Uint8Array([1])).commit();
    console.log(r.ok ? "ok" : "commit refused");
    kv.close();
  } catch (error) {
    console.log(`failed: ${String(error).split("\n")[0]}`);
  }
  process.exit(0);
}

const processes = Number(process.argv[2] ?? 4);
const rounds = Number(process.argv[3] ?? 40);
const dir = mkdtempSync(join(tmpdir(), "tlsync-open-race-"));
const self = new URL(import.meta.url).pathname;
const args = bun ? [self] : ["run", "-A", "--unstable-kv", self];
let failedRounds = 0;
const reasons = new Set<string>();
for (let round = 0; round < rounds; round++) {
  const file = join(dir, `kv-${round}.sqlite3`);
  const at = String(Date.now() + 800);
  const outputs = await Promise.all(
    Array.from({ length: processes }, () =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, [...args, "child", file, at], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout!.on("data", (d) => (out += d));
        child.on("exit", () => resolve(out.trim()));
      })),
  );
  const failures = outputs.filter((o) => o !== "ok").map((o) => o || "exited without a word");
  if (failures.length) failedRounds++;
  for (const f of failures) reasons.add(f);
}
rmSync(dir, { recursive: true, force: true });
console.log(
  `${
    bun ? "bun" : "deno"
  }: ${processes} processes × ${rounds} rounds, ${failedRounds} rounds with a ` +
    `failed open${reasons.size ? ` (${[...reasons].join("; ")})` : ""}`,
);
