import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { type Frame, FrameFuzzer } from "../helpers/fuzz_frames.ts";
import { connectRaw, openRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve, type Served } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** Fixed so failures reproduce; FUZZ_SEED=<n> tries another sequence. */
const SEED = Number(process.env["FUZZ_SEED"] ?? 0x7153c);
const FRAMES = 2_000;
const FUZZ_SOCKETS_AT_ONCE = 3;
const ROOM = "fuzz-room";
/** Not a timing goal: only stops a fuzz socket the server neither answered nor closed. */
const GIVE_UP_MS = 3_000;

/**
 * Closed sessions stay in the room for a while (for a reconnect), so hundreds of short fuzz
 * sockets would hit the default 100-session cap (ROOM_FULL), which is not what this test is about.
 */
async function serveOn(path: string): Promise<Served> {
  return serve({
    storage: new KvStorageProvider(await openKv(path), { lease: false }),
    limits: { maxSessionsPerRoom: 100_000 },
  });
}

/** Resolve when `c` gets a message matching `pred` or closes (or after GIVE_UP_MS). */
function answerOrClose(c: RawClient, pred: (m: Record<string, unknown>) => boolean): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<void>((r) => (timer = setTimeout(r, GIVE_UP_MS)));
  const answered = c.next(pred, "answer", GIVE_UP_MS * 2).then(() => {}, () => {});
  return Promise.race([answered, c.closed.then(() => {}), gaveUp]).finally(() =>
    clearTimeout(timer)
  );
}

/** One fuzz socket: maybe connect, send a burst of frames, then ping (or connect) and wait. */
async function fuzzSocket(url: string, fuzz: FrameFuzzer, burst: Frame[], codes: number[]) {
  const c = await openRaw(url);
  const connected = fuzz.chance(0.7);
  if (connected) {
    c.send(fuzz.connect());
    await answerOrClose(c, (m) => m["type"] === "connect");
  }
  for (const frame of burst) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(frame);
  if (c.ws.readyState === WebSocket.OPEN) {
    c.send(connected ? { type: "ping" } : fuzz.connect());
    await answerOrClose(c, (m) => m["type"] === (connected ? "pong" : "connect"));
  }
  c.close();
  codes.push((await c.closed).code);
}

/** The well-behaved client: sequential pushes; returns the last acknowledged x of each shape. */
async function goodClient(url: string, done: () => boolean): Promise<Map<string, number>> {
  const c = await connectRaw(url);
  const acked = new Map<string, number>();
  let closedEarly = false;
  void c.closed.then(() => (closedEarly = true));
  for (let clock = 1; !done() || clock <= 60; clock++) {
    const id = `shape:good-${clock % 15}`;
    const diff = acked.has(id)
      ? { [id]: ["patch", { x: ["put", clock] }] }
      : { [id]: ["put", geoShape(id, clock, 0)] };
    c.send({ type: "push", clientClock: clock, diff });
    const result = await c.next(
      (m) => m["type"] === "push_result" && m["clientClock"] === clock,
      `push_result ${clock}`,
      30_000,
    );
    if (result["action"] === "commit") acked.set(id, clock);
  }
  assert.equal(closedEarly, false, "the fuzzing never closed the good client");
  c.close();
  return acked;
}

describe("fuzzed frames against a live room on KV", () => {
  it(`${FRAMES} random and mutated frames (seed ${SEED}); every acknowledged edit survives a restart`, async () => {
    const dir = tempDir();
    const path = dir.file("fuzz.kv.sqlite3");
    let server = await serveOn(path);
    try {
      const url = `${server.ws}/connect/${ROOM}`;
      const fuzz = new FrameFuzzer(SEED);
      const codes: number[] = [];
      let sent = 0;
      const good = goodClient(url, () => sent >= FRAMES);
      const lanes = Array.from({ length: FUZZ_SOCKETS_AT_ONCE }, async () => {
        while (sent < FRAMES) {
          const burst = Array.from({ length: 1 + fuzz.int(12) }, () => fuzz.next());
          sent += burst.length;
          await fuzzSocket(url, fuzz, burst, codes);
        }
      });
      await Promise.all(lanes);
      const acked = await good;

      assert.ok(acked.size > 0, "some edits were acknowledged");
      assert.ok(!codes.includes(1011), `no storage failure closes (codes: ${new Set(codes)})`);
      const live = await connectRaw(url);
      live.close();

      await server.stop();
      server = await serveOn(path);
      const fresh = await connectRaw(`${server.ws}/connect/${ROOM}`);
      const reply = fresh.messages.find((m) => m["type"] === "connect")!;
      const diff = reply["diff"] as Record<string, [string, { x: number }]>;
      for (const [id, x] of acked) {
        assert.equal(diff[id]?.[0], "put", `${id} is in the reloaded room`);
        assert.equal(diff[id]?.[1].x, x, `${id} holds its last acknowledged edit`);
      }
      fresh.close();
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});
