/**
 * A server-side {@linkcode SocketLike} that records what the room sends, for tests.
 * @module
 */
import type { SocketLike } from "../ports/socket_like.ts";

/** Records frames and the close call. */
export class TestSocket implements SocketLike {
  /** 1 until closed, then 3. */
  readyState = 1;
  /** Raw frames sent by the room. */
  readonly frames: string[] = [];
  /** Close code/reason, once closed. */
  closed: { code: number | undefined; reason: string | undefined } | null = null;

  /** Record a frame. */
  send(data: string): void {
    if (this.readyState !== 1) throw new Error("Socket is closed");
    this.frames.push(data);
  }

  /** Record the close. */
  close(code?: number, reason?: string): void {
    if (this.closed) return;
    this.readyState = 3;
    this.closed = { code, reason };
  }

  /** Every message received, with `data` envelopes unpacked. */
  messages(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const frame of this.frames) {
      const msg = JSON.parse(frame) as Record<string, unknown>;
      if (msg["type"] === "data") out.push(...(msg["data"] as Record<string, unknown>[]));
      else out.push(msg);
    }
    return out;
  }

  /** Messages of one type. */
  ofType(type: string): Record<string, unknown>[] {
    return this.messages().filter((m) => m["type"] === type);
  }

  /** Forget recorded frames. */
  clear(): void {
    this.frames.length = 0;
  }
}
