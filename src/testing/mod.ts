/**
 * Test helpers: drive a room's time by hand and record what it sends.
 *
 * @example Connect a recorded socket to a room
 * ```ts
 * import { Room } from "../room/room.ts";
 * import { FakeTime, TestSocket } from "./mod.ts";
 *
 * const time = new FakeTime();
 * const room = await Room.load({ roomId: "demo", time });
 * const socket = new TestSocket();
 * room.handleSocketConnect({ sessionId: "s1", socket });
 * ```
 * @module
 */
export { FakeTime } from "./fake_time.ts";
export { TestSocket } from "./test_socket.ts";
