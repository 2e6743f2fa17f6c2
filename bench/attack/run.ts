// Hostile-input figures, before and after hardening: unfurl parse time on adversarial pages (and
// how long /unfurl blocks the event loop), server RSS under the 8 MiB-record quota attack, and
// connect latency under a new-room flood, under Deno and Bun servers. Prints markdown tables and
// writes them (with the JSON) to bench/results/attack-latest.{md,json}.
// Run: deno run -A bench/attack/run.ts
//   ATTACK_RUNTIMES=deno,bun  ATTACK_ONLY=unfurl,quota,flood  (and each script's own knobs)
import { floodTable, newRoomFlood } from "./new_room_flood.ts";
import { quotaAttack, quotaTable } from "./quota_attack.ts";
import { loadavg, runtimes } from "./_shared.ts";
import { unfurlBench, unfurlTable } from "./unfurl_pages.ts";

const only = (Deno.env.get("ATTACK_ONLY") ?? "unfurl,quota,flood").split(",").map((s) => s.trim());
const picked = runtimes();
const sections: string[] = [];
const json: Record<string, unknown> = {};
const started = new Date().toISOString();
const loadBefore = loadavg();

async function step<T>(name: string, run: () => Promise<T[]>, table: (r: T[]) => string) {
  if (!only.includes(name)) return;
  console.log(`\n== ${name} (load ${loadavg()})`);
  try {
    const results = await run();
    json[name] = results;
    sections.push(`### ${name}\n\n${table(results)}`);
  } catch (error) {
    json[name] = { error: String(error) };
    sections.push(`### ${name}\n\nfailed: ${error}`);
    console.error(error);
  }
}

async function each<T>(fn: (r: (typeof picked)[number]) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const runtime of picked) out.push(await fn(runtime));
  return out;
}

await step("unfurl", () => each(unfurlBench), unfurlTable);
await step("quota", () => each(quotaAttack), quotaTable);
await step("flood", () => each(newRoomFlood), floodTable);

const commit = new TextDecoder().decode(
  (await new Deno.Command("git", { args: ["rev-parse", "--short", "HEAD"], stdout: "piped" })
    .output()).stdout,
).trim();
const report = [
  `## Attack bench (${started}, commit ${commit}, runtimes ${picked.join(", ")})`,
  "",
  `Load average before: ${loadBefore}; after: ${loadavg()} (2 cores, shared machine).`,
  "",
  ...sections.flatMap((s) => [s, ""]),
].join("\n");
console.log("\n" + report);
const dir = new URL("../results/", import.meta.url);
Deno.mkdirSync(dir, { recursive: true });
Deno.writeTextFileSync(new URL("attack-latest.md", dir), report);
Deno.writeTextFileSync(new URL("attack-latest.json", dir), JSON.stringify(json, null, 2));
Deno.exit(0);
