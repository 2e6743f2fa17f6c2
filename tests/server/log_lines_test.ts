// Log lines an operator relies on: one debug line per push (only built when debug is on), and
// room_loaded / room_closed at info with record counts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Logger } from "../../src/ports/logger.ts";
import { SyncServer } from "../../src/server/sync_server.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { jsonLogger } from "../../src/log/json_logger.ts";
import { makeHarness } from "../helpers/room_harness.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";

type Line = { level: string; event: string; fields: Record<string, unknown> };
const LEVELS = ["debug", "info", "warn", "error"] as const;

/** A logger that records lines at `min` and above; counts calls to `debug`. */
function recordingLogger(min: (typeof LEVELS)[number]): Logger & { lines: Line[]; calls: number } {
  const lines: Line[] = [];
  const on = (level: (typeof LEVELS)[number]) => LEVELS.indexOf(level) >= LEVELS.indexOf(min);
  const log = (level: (typeof LEVELS)[number]) => (event: string, fields = {}) => {
    if (level === "debug") logger.calls++;
    if (on(level)) lines.push({ level, event, fields });
  };
  const logger = {
    lines,
    calls: 0,
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    enabled: on,
  };
  return logger;
}

const push = (clientClock: number, ...ids: string[]) => ({
  type: "push",
  clientClock,
  diff: Object.fromEntries(ids.map((id) => [id, ["put", geoShape(id)]])),
});

describe("log lines", () => {
  it("debug: one push line with room, session, ops, clock and ms", async () => {
    const logger = recordingLogger("debug");
    const h = await makeHarness({ logger });
    const a = await h.connect("a");
    await h.send("a", a, push(1, "shape:1", "shape:2"));
    const lines = logger.lines.filter((l) => l.event === "push");
    assert.equal(lines.length, 1);
    const f = lines[0]!.fields;
    assert.equal(lines[0]!.level, "debug");
    assert.equal(f["roomId"], "test");
    assert.equal(f["sessionId"], "a");
    assert.equal(f["ops"], 2);
    assert.equal(f["changed"], 2);
    assert.equal(f["clientClock"], 1);
    assert.equal(f["action"], "commit");
    assert.equal(typeof f["clock"], "number");
    assert.equal(typeof f["ms"], "number");
  });

  it("info: pushes never call debug (nothing is built)", async () => {
    const logger = recordingLogger("info");
    const h = await makeHarness({ logger });
    const a = await h.connect("a");
    await h.send("a", a, push(1, "shape:1"));
    assert.equal(logger.calls, 0);
  });

  it("jsonLogger says which levels it writes", () => {
    const logger = jsonLogger("info");
    assert.equal(logger.enabled?.("debug"), false);
    assert.equal(logger.enabled?.("info"), true);
    assert.equal(jsonLogger("debug").enabled?.("debug"), true);
    assert.equal(jsonLogger("silent").enabled?.("error"), false);
  });

  it("info: room_loaded and room_closed with records; idle and shutdown reasons", async () => {
    const logger = recordingLogger("info");
    const storage = new MemoryStorageProvider();
    const time = new FakeTime();
    const { registry } = new SyncServer({ storage, time, logger, roomGracePeriodMs: 1000 });
    const room = await registry.acquire("r1");
    await room.loadSnapshot({
      documents: [{ state: geoShape("shape:x") as never, lastChangedClock: 0 }],
      schema: serverSchema,
    });
    registry.releaseIfEmpty("r1");
    time.tick(1000);
    for (let i = 0; i < 10 && !logger.lines.some((l) => l.event === "room_closed"); i++) {
      await Promise.resolve();
    }
    await registry.acquire("r1");
    await registry.closeAll();
    const events = logger.lines.filter((l) => l.event.startsWith("room_"));
    assert.deepEqual(
      events.map((l) => [l.event, l.fields["reason"], l.fields["records"]]),
      [
        ["room_loaded", undefined, 2], // a new room: document and page
        ["room_closed", "Room idle", 1], // after loading the one-shape snapshot
        ["room_loaded", undefined, 1],
        ["room_closed", "Server shutting down", 1],
      ],
    );
    assert.ok((events[2]!.fields["bytes"] as number) > 0);
    assert.equal(events[0]!.fields["roomId"], "r1");
  });
});
