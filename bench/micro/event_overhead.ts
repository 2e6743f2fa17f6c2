// What the room's events cost on the push path: one room, SESSIONS sessions (default 10), N shape
// drags, each followed by the microtasks a socket frame would allow (so every push is its own
// group commit, the worst case for the `commit` event). Three runs per mode, best printed:
//   none      no listener (the `commit` payload is never built)
//   commit    a `commit` listener on Room.events
//   wildcard  a `*` listener on a sink (how a server listens to everything)
// Usage: deno run -A bench/micro/event_overhead.ts [pushes]  |  bun run bench/micro/event_overhead.ts
import process from "node:process";
import { EventChannel } from "../../src/ports/event_channel.ts";
import { Room } from "../../src/room/room.ts";
import type { RoomEventMap } from "../../src/room/room_events.ts";
import { geoShape, serverSchema } from "../../fixtures/records.ts";

const PUSHES = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 20_000);
const SESSIONS = Number(process.env.SESSIONS ?? 10);
type Mode = "none" | "commit" | "wildcard";

const socket = () => ({ readyState: 1, send(_: string): void {}, close(): void {} });
const connect = JSON.stringify({
  type: "connect",
  connectRequestId: "r",
  lastServerClock: -1,
  protocolVersion: 8,
  schema: serverSchema,
});
const put = (s: number) =>
  JSON.stringify({
    type: "push",
    clientClock: 1,
    diff: { [`shape:s${s}`]: ["put", geoShape(`shape:s${s}`)] },
  });
const drag = (s: number, clock: number) =>
  JSON.stringify({
    type: "push",
    clientClock: clock,
    diff: { [`shape:s${s}`]: ["patch", { x: ["put", clock] }] },
  });

async function once(mode: Mode, run: number): Promise<number> {
  const sink = new EventChannel<RoomEventMap>({ onError: () => {} }).emitter;
  let seen = 0;
  if (mode === "wildcard") sink.on("*", () => seen++);
  const room = await Room.load({ roomId: `bench-${mode}-${run}`, eventSink: sink });
  if (mode === "commit") room.events.on("commit", () => seen++);
  for (let s = 0; s < SESSIONS; s++) {
    room.handleSocketConnect({ sessionId: `s${s}`, socket: socket() });
    room.handleSocketMessage(`s${s}`, connect);
    room.handleSocketMessage(`s${s}`, put(s));
  }
  await room.flush();
  const frames = Array.from(
    { length: PUSHES },
    (_, i) => drag(i % SESSIONS, 2 + Math.floor(i / SESSIONS)),
  );
  const t0 = performance.now();
  for (let i = 0; i < PUSHES; i++) {
    room.handleSocketMessage(`s${i % SESSIONS}`, frames[i]!);
    await Promise.resolve(); // let the group commit run, as between socket frames
  }
  await room.flush();
  const ms = performance.now() - t0;
  if (mode !== "none" && seen === 0) throw new Error(`no events seen in mode ${mode}`);
  await room.close();
  return PUSHES / (ms / 1000);
}

const runtime = "Bun" in globalThis ? "bun" : "deno";
console.log(`event overhead (${runtime}): ${PUSHES} drags, ${SESSIONS} sessions, best of 3`);
for (const mode of ["none", "commit", "wildcard"] as const) {
  let best = 0;
  for (let run = 0; run < 3; run++) best = Math.max(best, await once(mode, run));
  console.log(`  ${mode.padEnd(9)} ${Math.round(best).toLocaleString("en-US")} pushes/s`);
}
