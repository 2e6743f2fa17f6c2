// Sums the JUnit reports of both runners and prints "N passed, N failed" as the last line.
// A runner that exited non-zero without reporting a failure counts as one failure.
import { existsSync, readFileSync } from "node:fs";

const [denoXml, bunXml, denoRc, bunRc, staticFail] = process.argv.slice(2);

function count(path, label) {
  if (!existsSync(path)) return { passed: 0, failed: 1, note: `${label}: no report` };
  const xml = readFileSync(path, "utf8");
  const all = xml.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
  const nameOf = (c) => (/name="([^"]*)"/.exec(c) ?? [])[1] ?? "";
  const names = all.map(nameOf);
  // Deno reports each describe() as a test and each it() as "describe &gt; it": count leaves only.
  const cases = all.filter((c) => !names.some((n) => n.startsWith(nameOf(c) + " &gt; ")));
  let passed = 0, failed = 0, skipped = 0;
  for (const c of cases) {
    if (/<(failure|error)\b/.test(c)) failed++;
    else if (/<skipped\b/.test(c)) skipped++;
    else passed++;
  }
  return {
    passed,
    failed,
    skipped,
    note: `${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`,
  };
}

const deno = count(denoXml, "deno");
const bun = count(bunXml, "bun");
if (denoRc !== "0" && deno.failed === 0) deno.failed = 1;
if (bunRc !== "0" && bun.failed === 0) bun.failed = 1;
const extra = staticFail === "1" ? 1 : 0;
console.log(deno.note);
console.log(bun.note);
if (extra) console.log("static checks: failed");
const passed = deno.passed + bun.passed;
const failed = deno.failed + bun.failed + extra;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
