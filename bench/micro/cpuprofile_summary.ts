// Summarize a .cpuprofile (V8/Deno or JSC/Bun, Chrome format): self time by function and by hot-path
// category, optionally inside a time window and divided by acknowledged pushes. No dependencies.
// Usage: deno run -A bench/micro/cpuprofile_summary.ts <file.cpuprofile> [--pushes N] [--count]
//          [--within <category prefix> (the function table only counts samples of that category)]
//          [--from MS --to MS (window, ms after the profile's start)] [--top N] [--json]
// --count: every sample weighs the same (for Bun: JSC records samples only while the VM runs, at
// irregular intervals, so time deltas mostly measure idle gaps; use the shares, scaled by the JS
// thread's CPU from /proc/<pid>/task). A sample's category is that of the nearest frame (leaf first) that a rule below matches, so a
// builtin such as JSON.stringify counts for the file that called it.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** [category, test on "url functionName"], checked in order on each frame from the leaf up. */
const RULES: [string, RegExp][] = [
  ["gc", /\(garbage collector\)|^ ?GC$|\bgc\b/],
  ["idle", /\(idle\)/],
  ["frame parse", /frame_reassembler/],
  [
    "validation + caps",
    /room_size|push_limits|validate_record|record_depth|screen_stored|@tldraw\/(tlschema|validate)/,
  ],
  ["diff (compare/patch)", /src\/diff\//],
  [
    "apply to store",
    /apply_ops|apply_presence|update_store|store_transaction|document_store|@tldraw\/store/,
  ],
  ["broadcast serialization", /broadcast\.ts|outbox\.ts|handle_push\.ts/],
  [
    "journal encode (kv_plan/codec/packer)",
    /kv_plan|kv_codec|atomic_packer|kv_keys|kv_records|kv_limits/,
  ],
  [
    "KV commit (batcher + driver)",
    /op_kv_|storage\/kv\/|@deno\/kv|deno_kv|ext:deno_kv|timed_storage|durability_gate/,
  ],
  [
    "timers + scheduling",
    /op_timer|createTimer|timers|commit_scheduler|window_scheduler|liveness|time_source|setTimeout|queueMicrotask/,
  ],
  [
    "socket send + transport",
    /op_ws_|websocket|raw_socket|bun_upgrader|deno_upgrader|connection\.ts|sync_server|room_router|room_registry|admission|token_buckets|rate_limiter/,
  ],
  [
    "metrics + events",
    /src\/metrics\/|event_channel|room_events|server_events|subscribe_all|log_subscriber|mitt/,
  ],
  ["room engine other", /src\/room\/|src\/protocol\/|src\/schema\//],
  ["upstream sync-core", /@tldraw\/sync-core|sync-core/],
  ["program (native, unattributed)", /\(program\)|\(root\)/],
];
/** Only when no frame of the stack matched a rule above. */
const FALLBACK: [string, RegExp] = ["runtime internals (ext:/node:)", /^ext:|^node:|bun:|internal/];

function frameText(f: CallFrame): string {
  return `${f.url} ${f.functionName}`;
}

function categoryOf(stack: CallFrame[]): string {
  for (const f of stack) {
    const text = frameText(f);
    for (const [name, re] of RULES) if (re.test(text)) return name;
  }
  return stack.some((f) => FALLBACK[1].test(frameText(f))) ? FALLBACK[0] : "other JS";
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf("/node_modules/");
  if (i >= 0) return url.slice(i + 14);
  const s = url.indexOf("/src/");
  return s >= 0 ? url.slice(s + 1) : url.replace(/^file:\/\/.*\/(bench\/)/, "$1");
}

function summarize(p: Profile, fromMs: number, toMs: number, count: boolean, within?: string) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackCat = new Map<number, string>();
  const cat = (id: number): string => {
    let c = stackCat.get(id);
    if (c !== undefined) return c;
    const stack: CallFrame[] = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      stack.push(byId.get(x)!.callFrame);
    }
    stackCat.set(id, c = categoryOf(stack));
    return c;
  };
  const self = new Map<string, number>();
  const cats = new Map<string, number>();
  // A sampler that skips idle time (JSC's) leaves the gap in the next delta: count at most 3
  // sampling intervals per sample, and report the rest as uncounted.
  const sortedDeltas = p.timeDeltas.filter((d) => d > 0).sort((a, b) => a - b);
  const cap = 3 * (sortedDeltas[Math.floor(sortedDeltas.length / 2)] ?? 1000);
  let t = p.startTime;
  let total = 0;
  let gaps = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    // A sample lasts until the next one.
    const raw = p.timeDeltas[i + 1] ?? 0;
    const at = (t - p.startTime) / 1000;
    if (at < fromMs || at > toMs || raw <= 0) continue;
    const dt = count ? 1000 : Math.min(raw, cap);
    gaps += raw - dt;
    const node = byId.get(p.samples[i]!)!;
    const f = node.callFrame;
    const c = cat(node.id);
    cats.set(c, (cats.get(c) ?? 0) + dt);
    total += dt;
    if (within !== undefined && !c.startsWith(within)) continue;
    const key = `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}${
      f.url ? `:${f.lineNumber + 1}` : ""
    }`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  return { total, self, cats, gaps };
}

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const file = Deno.args[0];
if (!file) throw new Error("usage: cpuprofile_summary.ts <file.cpuprofile> [--pushes N] ...");
const profile = JSON.parse(Deno.readTextFileSync(file)) as Profile;
const pushes = Number(arg("--pushes") ?? 0);
const from = Number(arg("--from") ?? 0);
const to = Number(arg("--to") ?? Infinity);
const top = Number(arg("--top") ?? 25);
const { total, self, cats, gaps } = summarize(
  profile,
  from,
  to,
  Deno.args.includes("--count"),
  arg("--within"),
);
const busy = total - (cats.get("idle") ?? 0);
const row = (name: string, us: number) => {
  const pct = ((100 * us) / total).toFixed(1).padStart(5);
  const per = pushes > 0 ? `${(us / pushes).toFixed(1).padStart(8)} µs/push` : "";
  return `| ${name.padEnd(44)} | ${pct}% | ${per} |`;
};
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
if (Deno.args.includes("--json")) {
  console.log(
    JSON.stringify({
      totalUs: total,
      busyUs: busy,
      gapsUs: gaps,
      pushes,
      categories: Object.fromEntries(cats),
    }),
  );
} else {
  console.log(
    `${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy, ` +
      `${(gaps / 1e6).toFixed(2)} s in gaps between samples (not counted)` +
      (pushes ? `, ${pushes} pushes → ${(busy / pushes).toFixed(1)} µs busy/push` : ""),
  );
  console.log("\n| category | % of sampled | per push |\n|---|---|---|");
  for (const [name, us] of sorted(cats)) console.log(row(name, us));
  console.log("\n| function (self) | % of sampled | per push |\n|---|---|---|");
  for (const [name, us] of sorted(self).slice(0, top)) console.log(row(name, us));
}
