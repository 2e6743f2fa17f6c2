// Test-only: a room with fake time and recorded sockets, driven with raw protocol messages.
import type { UnknownRecord } from "@tldraw/store";
import { Room, type RoomOptions } from "../../src/room/room.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { TestSocket } from "../../src/testing/test_socket.ts";
import { serverSchema } from "./records.ts";

export interface Harness {
  room: Room;
  time: FakeTime;
  /** Open a socket for `sessionId` (no connect message yet). */
  open(sessionId: string, opts?: { isReadonly?: boolean }): TestSocket;
  /** Open and complete the handshake; returns the socket (connect reply recorded). */
  connect(sessionId: string, opts?: ConnectOpts): Promise<TestSocket>;
  /** Send a message object on a socket, then let commits and the batch window run. */
  send(sessionId: string, socket: TestSocket, msg: unknown): Promise<void>;
}

export interface ConnectOpts {
  isReadonly?: boolean;
  lastServerClock?: number;
  protocolVersion?: number;
  schema?: unknown;
}

/** Let queued microtasks (commits, gated sends) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export async function makeHarness(options: Partial<RoomOptions> = {}): Promise<Harness> {
  const time = new FakeTime();
  const room = await Room.load({ roomId: "test", time, ...options });
  const h: Harness = {
    room,
    time,
    open(sessionId, opts = {}) {
      const socket = new TestSocket();
      room.handleSocketConnect({ sessionId, socket, isReadonly: opts.isReadonly ?? false });
      return socket;
    },
    async connect(sessionId, opts = {}) {
      const socket = h.open(sessionId, opts);
      await h.send(sessionId, socket, {
        type: "connect",
        connectRequestId: `req-${sessionId}`,
        lastServerClock: opts.lastServerClock ?? -1,
        protocolVersion: "protocolVersion" in opts ? opts.protocolVersion : 8,
        schema: "schema" in opts ? opts.schema : serverSchema,
      });
      return socket;
    },
    async send(sessionId, socket, msg) {
      room.handleSocketMessage(
        sessionId,
        typeof msg === "string" ? msg : JSON.stringify(msg),
        socket,
      );
      await settle();
      time.tick(17); // past the data batching window
      await settle();
    },
  };
  return h;
}

/** The push_result messages on a socket. */
export function pushResults(socket: TestSocket): Record<string, unknown>[] {
  return socket.ofType("push_result");
}

/** The diff of every patch on a socket, merged in order. */
export function patches(socket: TestSocket): Record<string, unknown>[] {
  return socket.ofType("patch");
}

export function putOp(record: UnknownRecord): ["put", UnknownRecord] {
  return ["put", record];
}
