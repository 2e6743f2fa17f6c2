// Test-only: a WebSocket client written by hand over node:net, for what a browser client cannot
// do: never read (a slow reader), send extra headers (Origin, X-Forwarded-For), see the raw
// HTTP status of a refused upgrade, and parse the server's close frame exactly.
import { Buffer } from "node:buffer";
import { connect, type Socket } from "node:net";

export interface TcpWsClient {
  /** HTTP status of the upgrade response (101 when accepted). */
  status: number;
  /** Raw response head (status line + headers). */
  head: string;
  /** Send one masked text frame (false when the kernel buffer is full). */
  sendText(text: string): boolean;
  /** Stop reading: the server's frames pile up in its send buffer. */
  pause(): void;
  /** Bytes received after the head so far (while reading). */
  received(): number;
  /** Resolve with the first text frame (past or future) containing `needle`; reject after `ms`. */
  nextText(needle: string, ms?: number): Promise<string>;
  /** Resolves when the TCP connection ends; with the close frame's code/reason if one came. */
  ended: Promise<{ code: number | null; reason: string }>;
  /** Destroy the TCP socket. */
  destroy(): void;
}

/** Open `path` on 127.0.0.1:`port` with a hand-made upgrade request and extra headers. */
export function openTcpWs(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<TcpWsClient> {
  const socket = connect({ host: "127.0.0.1", port });
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(lines.join("\r\n") + "\r\n\r\n");
  return new Promise((resolve, reject) => {
    const state = new FrameReader();
    let head: string | null = null;
    let buf: Buffer = Buffer.alloc(0);
    let endResolve!: (v: { code: number | null; reason: string }) => void;
    const ended = new Promise<{ code: number | null; reason: string }>((r) => (endResolve = r));
    const finish = () => endResolve(state.close ?? { code: null, reason: "" });
    socket.on("error", () => {
      if (head === null) reject(new Error("Connection failed before the upgrade response"));
      finish();
    });
    socket.on("close", finish);
    socket.on("data", (chunk: Buffer) => {
      if (head !== null) return state.push(chunk);
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      head = buf.subarray(0, end).toString("latin1");
      state.push(buf.subarray(end + 4));
      resolve(clientOf(socket, head, state, ended));
    });
  });
}

function clientOf(
  socket: Socket,
  head: string,
  state: FrameReader,
  ended: Promise<{ code: number | null; reason: string }>,
): TcpWsClient {
  return {
    status: Number(head.split(" ")[1]),
    head,
    sendText: (text) => socket.write(maskedFrame(0x1, Buffer.from(text))),
    pause: () => socket.pause(),
    received: () => state.bytes,
    nextText: (needle, ms = 10_000) => state.nextText(needle, ms),
    ended,
    destroy: () => socket.destroy(),
  };
}

function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const out = Buffer.alloc(2 + ext + 4 + len);
  out[0] = 0x80 | opcode;
  out[1] = 0x80 | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) out.writeUInt16BE(len, 2);
  if (ext === 8) out.writeBigUInt64BE(BigInt(len), 2);
  const mask = crypto.getRandomValues(new Uint8Array(4));
  out.set(mask, 2 + ext);
  for (let i = 0; i < len; i++) out[2 + ext + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

/** Counts server frames and keeps the close frame (server frames are unmasked). */
class FrameReader {
  bytes = 0;
  close: { code: number | null; reason: string } | undefined;
  /** Text frames received (the first 1000, to stay bounded). */
  texts: string[] = [];
  #waiters: { needle: string; resolve: (t: string) => void }[] = [];
  #buf: Buffer = Buffer.alloc(0);

  nextText(needle: string, ms: number): Promise<string> {
    const found = this.texts.find((t) => t.includes(needle));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Timed out waiting for "${needle}"`)), ms);
      this.#waiters.push({ needle, resolve: (t) => (clearTimeout(timer), resolve(t)) });
    });
  }

  #text(text: string): void {
    if (this.texts.length < 1000) this.texts.push(text);
    for (const w of [...this.#waiters]) {
      if (text.includes(w.needle)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(text);
      }
    }
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.close) return;
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    // Bounded: each pass consumes one whole frame or stops.
    while (this.#buf.length >= 2 && !this.close) {
      const opcode = this.#buf[0]! & 0x0f;
      let len = this.#buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) [len, at] = [this.#buf.length >= 4 ? this.#buf.readUInt16BE(2) : -1, 4];
      else if (len === 127) {
        [len, at] = [this.#buf.length >= 10 ? Number(this.#buf.readBigUInt64BE(2)) : -1, 10];
      }
      if (len < 0 || this.#buf.length < at + len) return;
      const payload = this.#buf.subarray(at, at + len);
      if (opcode === 0x1) this.#text(payload.toString("utf8"));
      if (opcode === 0x8) {
        this.close = {
          code: payload.length >= 2 ? payload.readUInt16BE(0) : null,
          reason: payload.subarray(2).toString("utf8"),
        };
      }
      this.#buf = this.#buf.subarray(at + len);
    }
  }
}
