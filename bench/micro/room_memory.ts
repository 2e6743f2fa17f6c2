// In-process memory per room: N rooms × S shapes, one connected session each, heap delta after
// GC. Ours (in-memory storage and Deno KV :memory:) vs upstream TLSocketRoom (bench-only dep).
// Usage: deno run -A --v8-flags=--expose-gc bench/micro/room_memory.ts [rooms] [shapes]
//        bun run bench/micro/room_memory.ts [rooms] [shapes]
import process from "node:process";
import { TLSocketRoom } from "@tldraw/sync-core";
import { Room } from "../../src/room/room.ts";
import { openKvStorage } from "../../src/runtime/default_storage.ts";
import type { StorageProvider } from "../../src/storage/storage.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { geoShape, serverSchema } from "../../fixtures/records.ts";

const ROOMS = Number(process.argv[2] ?? Deno?.args?.[0] ?? 1000);
const SHAPES = Number(process.argv[3] ?? Deno?.args?.[1] ?? 50);

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
declare const Deno: { args?: string[] } | undefined;
function gc(): void {
  if (g.Bun) g.Bun.gc(true);
  else g.gc?.();
}
async function heap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed;
}

class NullSocket {
  readyState = 1;
  send(_: string): void {}
  close(): void {
    this.readyState = 3;
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

function connectMsg(): string {
  return JSON.stringify({
    type: "connect",
    connectRequestId: "r",
    lastServerClock: -1,
    protocolVersion: 8,
    schema: serverSchema,
  });
}
function pushMsg(r: number): string {
  const diff: Record<string, unknown> = {};
  for (let j = 0; j < SHAPES; j++) {
    diff[`shape:m${r}-${j}`] = ["put", geoShape(`shape:m${r}-${j}`, j)];
  }
  return JSON.stringify({ type: "push", clientClock: 1, diff, presence: undefined });
}

async function ours(storage: StorageProvider): Promise<unknown[]> {
  const rooms: unknown[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const roomId = `room-${r}`;
    const room = await Room.load({ roomId, storage: await storage.openRoom(roomId) });
    rooms.push(room);
    if (process.env.NO_SESSION) continue;
    const socket = new NullSocket();
    room.handleSocketConnect({ sessionId: `s${r}`, socket, isReadonly: false });
    room.handleSocketMessage(`s${r}`, connectMsg(), socket);
    room.handleSocketMessage(`s${r}`, pushMsg(r), socket);
  }
  for (const room of rooms) await (room as Room).flush();
  return rooms;
}

function upstream(): unknown[] {
  const rooms: unknown[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const room = new TLSocketRoom({});
    const socket = new NullSocket();
    // deno-lint-ignore no-explicit-any
    room.handleSocketConnect({ sessionId: `s${r}`, socket: socket as any });
    room.handleSocketMessage(`s${r}`, connectMsg());
    room.handleSocketMessage(`s${r}`, pushMsg(r));
    rooms.push(room);
  }
  return rooms;
}

async function measure(name: string, build: () => Promise<unknown[]> | unknown[]): Promise<void> {
  const before = await heap();
  const rooms = await build();
  await new Promise((r) => setTimeout(r, 100));
  const after = await heap();
  console.log(
    `${name.padEnd(16)} ${ROOMS} rooms × ${SHAPES} shapes: ${
      ((after - before) / 1024 / ROOMS).toFixed(1)
    } KiB/room (heap)`,
  );
  (rooms as { close(): void }[]).forEach((r) => r.close());
}

const which = process.env.ONLY ?? "ours-mem,ours-kv,upstream";
if (which.includes("ours-mem")) {
  await measure("ours (memory)", () => ours(new MemoryStorageProvider()));
}
if (which.includes("ours-kv")) {
  const kv = await openKvStorage(":memory:", { lease: false });
  await measure("ours (kv)", () => ours(kv));
  await kv.close?.();
}
if (which.includes("upstream")) await measure("upstream", upstream);
process.exit(0);
