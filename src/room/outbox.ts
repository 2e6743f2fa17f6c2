/**
 * Per-session sending: data messages (`patch`, `push_result`) go out at the end of the current
 * task when the session is idle (everything released in that task — a group commit's results and
 * patches — shares one frame), then batched per debounce window; other messages flush the batch
 * first, except pong. Data released by a paced commit does not wait for the window: the commit
 * pace already bounds those frames (one per gather period per room), and holding a release for a
 * 16.7 ms window opened by the previous one, 10 ms earlier, added most of the fan-out p99.
 * Messages arrive here already serialized, so one broadcast is stringified once, not per socket.
 * @module
 */
import { SOCKET_OPEN, type SocketLike } from "../ports/socket_like.ts";
import type { TimeSource } from "../ports/time_source.ts";
import { type Window, type WindowScheduler, windowSchedulerFor } from "./window_scheduler.ts";

/** The send side of one session. */
export class Outbox {
  #socket: SocketLike;
  #windows: WindowScheduler;
  #onDead: () => void;
  #buffer: string[] = [];
  #window: Window | undefined;
  #due = false;
  #disposed = false;

  /** Send to `socket`; `onDead` runs when a send finds the socket closed. */
  constructor(socket: SocketLike, time: TimeSource, onDead: () => void) {
    this.#socket = socket;
    this.#windows = windowSchedulerFor(time);
    this.#onDead = onDead;
  }

  /**
   * Queue one serialized data message. `released`: a paced commit released it (see
   * `DurabilityGate`): it goes out at the end of this task even if a window is open, and a new
   * window starts then.
   */
  sendData(json: string, released = false): void {
    if (this.#disposed) return;
    this.#buffer.push(json);
    if (released && this.#window !== undefined) {
      this.#windows.cancel(this.#window);
      this.#window = undefined;
    }
    if (this.#window === undefined && !this.#due) {
      this.#due = true;
      dueOutboxes.push(this);
      if (dueOutboxes.length === 1) queueMicrotask(flushDue);
    }
  }

  /** End of the task that queued data on an idle session: send it and open a window. */
  flushDue(): void {
    this.#due = false;
    if (this.#disposed || this.#buffer.length === 0) return;
    this.flush();
    this.#arm();
  }

  /** Send a non-data message after flushing buffered data. */
  send(json: string): void {
    if (this.#disposed) return;
    this.flush();
    this.#write(json);
  }

  /** Send a message without flushing (pong may overtake buffered data). */
  sendImmediately(json: string): void {
    if (this.#disposed) return;
    this.#write(json);
  }

  /** Send buffered data now. */
  flush(): void {
    const buffer = this.#buffer;
    if (buffer.length === 0) return;
    const frame = buffer.length === 1
      ? dataFrame(buffer[0]!)
      : `{"type":"data","data":[${buffer.join(",")}]}`;
    buffer.length = 0;
    this.#write(frame);
  }

  /** Stop sending and drop anything buffered. */
  dispose(): void {
    this.#disposed = true;
    this.#buffer = [];
    this.#due = false;
    if (this.#window !== undefined) this.#windows.cancel(this.#window);
    this.#window = undefined;
  }

  #arm(): void {
    this.#window = this.#windows.open(() => {
      this.#window = undefined;
      this.flush();
    });
  }

  #write(frame: string): void {
    if (this.#socket.readyState !== SOCKET_OPEN) {
      this.#onDead();
      return;
    }
    try {
      this.#socket.send(frame);
    } catch {
      // A socket that throws on send is gone; the session is cancelled and the client resyncs.
      this.#onDead();
    }
  }
}

/** Outboxes with data queued while idle, sent together at the end of the current task. */
let dueOutboxes: Outbox[] = [];

function flushDue(): void {
  const due = dueOutboxes;
  dueOutboxes = [];
  let failure: unknown = undefined;
  for (const outbox of due) {
    try {
      outbox.flushDue();
    } catch (error) {
      failure ??= error; // the other sessions still get their data
    }
  }
  if (failure !== undefined) throw failure;
}

/** The last single-message frame built: a broadcast to idle peers is wrapped once, not per peer. */
let lastMessage = "";
let lastFrame = "";

function dataFrame(json: string): string {
  if (json !== lastMessage) {
    lastMessage = json;
    lastFrame = `{"type":"data","data":[${json}]}`;
  }
  return lastFrame;
}
