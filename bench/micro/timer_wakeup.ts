// What one wake-up from idle costs this process: CPU per timer that fires after the event loop slept,
// for a few sleep lengths, and (with a KV path) per paced KV atomic of one small set. On a VM a
// wake-up from idle is not free, and a commit window of a few ms pays one (or, with native Deno KV,
// three: the timer, the KV thread, the completion) per commit whatever the commit holds.
// Usage: deno run -A --unstable-kv bench/micro/timer_wakeup.ts [kv file | :memory:]
//        bun run bench/micro/timer_wakeup.ts [kv file | :memory:]
import process from "node:process";
import { openKv } from "../../src/runtime/open_kv.ts";

const ROUNDS = 1000;
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const ms of [1, 10, 20]) {
  const before = cpuUs();
  for (let i = 0; i < ROUNDS; i++) await sleep(ms);
  console.log(`timer of ${ms} ms: ${((cpuUs() - before) / ROUNDS).toFixed(1)} µs CPU per wake-up`);
}

const path = process.argv[2];
if (path) {
  const kv = await openKv(path);
  const value = new Uint8Array(300);
  let before = cpuUs();
  for (let i = 0; i < ROUNDS; i++) await kv.atomic().set(["w", i], value).commit();
  const backToBack = (cpuUs() - before) / ROUNDS;
  before = cpuUs();
  for (let i = 0; i < ROUNDS; i++) {
    await sleep(10);
    await kv.atomic().set(["w", i], value).commit();
  }
  const paced = (cpuUs() - before) / ROUNDS;
  console.log(
    `${path}: one-set atomic back to back ${backToBack.toFixed(1)} µs CPU, after a 10 ms sleep ${
      paced.toFixed(1)
    } µs (timer wake-up included)`,
  );
  kv.close();
}
