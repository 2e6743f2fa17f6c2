// Test-only helpers for the hostile-input tests: a capturing logger, a peer-still-syncs check,
// and reloading a room straight from its storage (what a restart would see).
import assert from "node:assert/strict";
import type { UnknownRecord } from "@tldraw/store";
import type { Logger } from "../../src/ports/logger.ts";
import type { Authorize } from "../../src/server/server_options.ts";
import { Room } from "../../src/room/room.ts";
import type { StorageProvider } from "../../src/storage/storage.ts";
import type { RawClient } from "../helpers/raw_client.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";
import type { TcpWsClient } from "../helpers/tcp_ws_client.ts";

export interface LogLine {
  level: string;
  event: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps every line. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) =>
    void lines.push({ level, event, fields });
  return {
    lines,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

let clientClock = 1000;

/** `from` pushes a new shape: it is committed and `to` receives it. */
export async function assertStillSyncs(from: RawClient, to: RawClient, id: string): Promise<void> {
  const clock = ++clientClock;
  from.send({ type: "push", clientClock: clock, diff: { [id]: ["put", geoShape(id, 7, 7)] } });
  const result = await from.next(
    (m) => m["type"] === "push_result" && m["clientClock"] === clock,
    `push_result of ${id}`,
  );
  assert.equal(result["action"], "commit");
  await to.next(
    (m) => m["type"] === "patch" && Object.hasOwn(m["diff"] as object, id),
    `patch with ${id}`,
  );
}

/** The push_result answering `clientClock`. */
export function pushResult(
  client: RawClient,
  clientClock: number,
): Promise<Record<string, unknown>> {
  return client.next(
    (m) => m["type"] === "push_result" && m["clientClock"] === clientClock,
    `push_result ${clientClock}`,
  );
}

/** True when any patch `client` received so far mentions `id`. */
export function sawInPatch(client: RawClient, id: string): boolean {
  return client.messages.some((m) =>
    m["type"] === "patch" && Object.hasOwn(m["diff"] as object, id)
  );
}

/** Load the room afresh from `provider` (as after a restart) and return its documents. */
export async function storedDocuments(
  provider: StorageProvider,
  roomId: string,
): Promise<Map<string, UnknownRecord>> {
  const storage = await provider.openRoom(roomId);
  const room = await Room.load({ roomId, storage });
  try {
    const docs = new Map<string, UnknownRecord>();
    for (const doc of room.getSnapshot().documents) docs.set(doc.state.id, doc.state);
    return docs;
  } finally {
    await room.close();
  }
}

/** A geo shape whose JSON is about `bytes` long (padding in `meta`). */
export function shapeOfBytes(id: string, bytes: number): UnknownRecord {
  return geoShape(id, 0, 0, { meta: { pad: "x".repeat(Math.max(0, bytes - 700)) } });
}

/** A value nested `levels` deep: {"a":{"a":…}}. Built iteratively. */
export function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** `?user=…&name=…` stands in for a verified token. */
export const userFromUrl: Authorize = (req) => {
  const params = new URL(req.url).searchParams;
  const userId = params.get("user");
  if (!userId) return true;
  const userName = params.get("name");
  return userName ? { userId, userName } : { userId };
};

/** The `connect` message a protocol-8 client sends. */
export function connectMessage(id = "req"): string {
  return JSON.stringify({
    type: "connect",
    connectRequestId: id,
    lastServerClock: -1,
    protocolVersion: 8,
    schema: serverSchema,
  });
}

/** Complete the handshake over a hand-made TCP WebSocket. */
export async function handshake(client: TcpWsClient): Promise<void> {
  client.sendText(connectMessage());
  await client.nextText('"type":"connect"');
}
