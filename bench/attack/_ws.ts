// A minimal WebSocket client over a raw TCP socket, so a refused upgrade shows its HTTP status
// (the global WebSocket hides it) and a close shows its code. Text frames only; the messages
// are JSON, `data` envelopes unpacked.

export type Message = Record<string, unknown>;

export interface Socket {
  /** Send one text frame. */
  send(text: string): Promise<void>;
  /** The next message (already received or future) matching `pred`, or null after `ms`/close. */
  next(pred: (m: Message) => boolean, ms: number): Promise<Message | null>;
  /** Resolves when the server closed (code 1006 when the TCP socket ended without a close). */
  closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
  close(): void;
}

/** A refused upgrade: the HTTP status (0 when the connection failed before any answer). */
export interface Refused {
  status: number;
  detail: string;
}

const enc = new TextEncoder();
const BIG = 1024 * 1024;
const dec = new TextDecoder();

function frame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(head + 4 + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65536) {
    out[1] = 0x80 | 126;
    new DataView(out.buffer).setUint16(2, n);
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  out.set(mask, head);
  for (let i = 0; i < n; i++) out[head + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/** Open `ws://127.0.0.1:port/path` (with extra request headers); a Socket after 101, else why not. */
export async function openSocket(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Socket | Refused> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch (error) {
    return { status: 0, detail: `connect failed: ${(error as Error).message}` };
  }
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
    Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n";
  const reader = new Reader(conn);
  const timer = setTimeout(() => conn.close(), timeoutMs);
  try {
    await writeAll(conn, enc.encode(request));
    const head = await reader.readHead();
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
    if (status !== 101) {
      conn.close();
      return { status, detail: head.split("\r\n")[0] ?? "" };
    }
  } catch (error) {
    try {
      conn.close();
    } catch { /* closed */ }
    return { status: 0, detail: `no upgrade answer: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
  return new Client(conn, reader);
}

/** Buffered reads from a TCP connection (a list of chunks, so big frames stay linear). */
class Reader {
  #chunks: Uint8Array[] = [];
  #length = 0;
  constructor(readonly conn: Deno.TcpConn) {}
  async #fill(): Promise<void> {
    const chunk = new Uint8Array(256 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) throw new Error("connection ended");
    this.#chunks.push(chunk.subarray(0, n));
    this.#length += n;
  }
  async readHead(): Promise<string> {
    for (;;) {
      const text = dec.decode(concat(this.#chunks));
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        await this.take(enc.encode(text.slice(0, end + 4)).length);
        return text.slice(0, end);
      }
      await this.#fill();
    }
  }
  async take(n: number): Promise<Uint8Array> {
    while (this.#length < n) await this.#fill();
    const all = concat(this.#chunks);
    this.#chunks = all.length > n ? [all.subarray(n)] : [];
    this.#length -= n;
    return all.subarray(0, n);
  }
}

class Client implements Socket {
  #messages: Message[] = [];
  #waiters = new Set<() => void>();
  #closed = false;
  #writing: Promise<unknown> = Promise.resolve();
  closed: Promise<{ code: number; reason: string }>;

  constructor(readonly conn: Deno.TcpConn, reader: Reader) {
    this.closed = this.#readLoop(reader).finally(() => {
      this.#closed = true;
      for (const w of this.#waiters) w();
      try {
        conn.close();
      } catch { /* closed */ }
    });
  }

  async #readLoop(reader: Reader): Promise<{ code: number; reason: string }> {
    const parts: Uint8Array[] = [];
    try {
      for (;;) {
        const [b0, b1] = await reader.take(2);
        let len = b1! & 0x7f;
        if (len === 126) len = view(await reader.take(2)).getUint16(0);
        else if (len === 127) {
          len = Number(view(await reader.take(8)).getBigUint64(0));
        }
        const payload = await reader.take(len);
        const opcode = b0! & 0x0f;
        if (opcode === 8) {
          const code = len >= 2 ? (payload[0]! << 8) | payload[1]! : 1005;
          return { code, reason: dec.decode(payload.subarray(2)) };
        }
        if (opcode === 9) this.#write(frame(10, payload));
        if (opcode !== 0 && opcode !== 1) continue;
        parts.push(payload);
        if ((b0! & 0x80) === 0) continue;
        const whole = concat(parts.splice(0));
        if (whole.length > BIG) this.#receiveBig(whole);
        else this.#receive(dec.decode(whole));
      }
    } catch {
      return { code: 1006, reason: "" };
    }
  }

  #receive(text: string): void {
    let msg: Message;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = { type: "unparsed", text: text.slice(0, 200) };
    }
    const list = msg["type"] === "data" ? msg["data"] as Message[] : [msg];
    this.#messages.push(...list);
    for (const w of this.#waiters) w();
  }

  /** Frames over 1 MiB are not parsed: only their type and size are kept. */
  #receiveBig(bytes: Uint8Array): void {
    const type = /"type":"(\w+)"/.exec(dec.decode(bytes.subarray(0, 200)))?.[1] ?? "unknown";
    this.#messages.push({ type, bytes: bytes.length });
    for (const w of this.#waiters) w();
  }

  #write(bytes: Uint8Array): Promise<unknown> {
    this.#writing = this.#writing.then(() => writeAll(this.conn, bytes)).catch(() => {});
    return this.#writing;
  }

  async send(text: string): Promise<void> {
    if (!this.#closed) await this.#write(frame(1, enc.encode(text)));
  }

  next(pred: (m: Message) => boolean, ms: number): Promise<Message | null> {
    return new Promise((resolve) => {
      const check = () => {
        const i = this.#messages.findIndex(pred);
        if (i < 0 && !this.#closed) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(i < 0 ? null : this.#messages.splice(i, 1)[0]!);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        resolve(null);
      }, ms);
      this.#waiters.add(check);
      check();
    });
  }

  isClosed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#write(frame(8, new Uint8Array([0x03, 0xe8]))).finally(() => {
      try {
        this.conn.close();
      } catch { /* closed */ }
    });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `conn.write` may write part of the bytes: loop until all are out. */
async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}
