// In-process engine throughput: ROOMS rooms × SESSIONS sessions (default 1 × 10), N shape drags
// (patch pushes, one per message) spread over the rooms, every push_result and peer patch
// serialized. No network: this isolates the engine (and, for KV, the durable commits).
// Ours (in-memory storage; Deno KV :memory: — durable-before-ack on) vs upstream TLSocketRoom.
// Usage: deno run -A bench/micro/push_throughput.ts [pushes]   |   bun run bench/micro/push_throughput.ts
//        ROOMS=100 SESSIONS=5 deno run -A bench/micro/push_throughput.ts
// Knobs: KV_PATH (a KV file instead of :memory:), KV_ONLY=1, MAX_CHECKS and IN_FLIGHT (batcher).
import process from "node:process";
import { TLSocketRoom } from "@tldraw/sync-core";
import { Room } from "../../src/room/room.ts";
import { openKvStorage } from "../../src/runtime/default_storage.ts";
import type { RoomStorage } from "../../src/storage/storage.ts";
import { MemoryRoomStorage } from "../../src/storage/memory_storage.ts";
import { geoShape, serverSchema } from "../../fixtures/records.ts";

const PUSHES = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 50_000);
const ROOMS = Number(process.env.ROOMS ?? 1);
const SESSIONS = Number(process.env.SESSIONS ?? 10);

class CountingSocket {
  readyState = 1;
  frames = 0;
  send(_: string): void {
    this.frames++;
  }
  close(): void {
    this.readyState = 3;
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

const connect = JSON.stringify({
  type: "connect",
  connectRequestId: "r",
  lastServerClock: -1,
  protocolVersion: 8,
  schema: serverSchema,
});
const create = (s: number) =>
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

interface Engine {
  message(session: number, data: string): void;
  settle(): Promise<void>;
}

const yieldTask = (): Promise<void> => new Promise((r) => setImmediate(r));

let runId = 0;
async function once(engine: (roomId: string) => Promise<Engine>): Promise<number> {
  runId++;
  const engines = await Promise.all(
    Array.from({ length: ROOMS }, (_, r) => engine(`bench-${runId}-${r}`)),
  );
  for (const e of engines) {
    for (let s = 0; s < SESSIONS; s++) {
      e.message(s, connect);
      e.message(s, create(s));
    }
  }
  await Promise.all(engines.map((e) => e.settle()));
  const messages = Array.from(
    { length: PUSHES },
    (_, i) => drag(Math.floor(i / ROOMS) % SESSIONS, 2 + Math.floor(i / (ROOMS * SESSIONS))),
  );
  const t0 = performance.now();
  for (let i = 0; i < PUSHES; i++) {
    engines[i % ROOMS]!.message(Math.floor(i / ROOMS) % SESSIONS, messages[i]!);
    // Like frames off a socket: microtasks run after each one, I/O and timers every few.
    await Promise.resolve();
    if (i % 20 === 19) await yieldTask();
  }
  await Promise.all(engines.map((e) => e.settle()));
  return PUSHES / ((performance.now() - t0) / 1000);
}

/** The median of three runs (each on fresh rooms). */
async function run(name: string, engine: (roomId: string) => Promise<Engine>): Promise<void> {
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) rates.push(await once(engine));
  rates.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(18)} ${ROOMS}×${SESSIONS}: ${
      Math.round(rates[1]!).toLocaleString("en")
    } pushes/s (median of 3)`,
  );
}

function ours(storage: (roomId: string) => Promise<RoomStorage>) {
  return async (roomId: string): Promise<Engine> => {
    const room = await Room.load({ roomId, storage: await storage(roomId) });
    const sockets = Array.from({ length: SESSIONS }, () => new CountingSocket());
    sockets.forEach((socket, s) =>
      room.handleSocketConnect({ sessionId: `s${s}`, socket, isReadonly: false })
    );
    return {
      message: (s, data) => room.handleSocketMessage(`s${s}`, data),
      settle: async () => {
        await room.flush();
        await new Promise((r) => setTimeout(r, 40));
      },
    };
  };
}

function upstream(): Promise<Engine> {
  const room = new TLSocketRoom({});
  for (let s = 0; s < SESSIONS; s++) {
    // deno-lint-ignore no-explicit-any
    room.handleSocketConnect({ sessionId: `s${s}`, socket: new CountingSocket() as any });
  }
  return Promise.resolve({
    message: (s, data) => room.handleSocketMessage(`s${s}`, data),
    settle: () => new Promise((r) => setTimeout(r, 40)),
  });
}

if (!process.env.KV_ONLY) {
  await run("upstream", upstream);
  await run("ours (memory)", ours(() => Promise.resolve(new MemoryRoomStorage())));
}
const kv = await openKvStorage(process.env.KV_PATH ?? ":memory:", {
  lease: false,
  ...(process.env.MAX_CHECKS ? { maxChecksPerAtomic: Number(process.env.MAX_CHECKS) } : {}),
  ...(process.env.IN_FLIGHT ? { maxCommitsInFlight: Number(process.env.IN_FLIGHT) } : {}),
});
await run(
  process.env.KV_PATH ? "ours (kv file)" : "ours (kv :memory:)",
  ours((roomId) => kv.openRoom(roomId)),
);
await kv.close?.();
process.exit(0);
