// Test-only: a raw protocol client over the runtime's global WebSocket.
import { serverSchema } from "./records.ts";

export interface RawClient {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  send(msg: unknown): void;
  /** Resolve with the first message (data envelopes unpacked) matching `pred`. */
  next(
    pred: (m: Record<string, unknown>) => boolean,
    what?: string,
    ms?: number,
  ): Promise<Record<string, unknown>>;
  close(): void;
}

export function openRaw(url: string): Promise<RawClient> {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  const waiters: {
    pred: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.onclose = (e) => resolve({ code: e.code, reason: e.reason });
  });
  ws.onmessage = (e) => {
    const msg = JSON.parse(String(e.data));
    const list = msg.type === "data" ? msg.data : [msg];
    for (const m of list) {
      messages.push(m);
      for (const w of [...waiters]) {
        if (w.pred(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  };
  const client: RawClient = {
    ws,
    messages,
    closed,
    send: (msg) => ws.send(typeof msg === "string" ? msg : JSON.stringify(msg)),
    next: (pred, what = "message", ms = 5000) => {
      const found = messages.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), ms);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(client);
    ws.onerror = () => reject(new Error(`Cannot open ${url}`));
  });
}

/** Open and complete the handshake. */
export async function connectRaw(
  url: string,
  opts: { lastServerClock?: number } = {},
): Promise<RawClient> {
  const c = await openRaw(url);
  c.send({
    type: "connect",
    connectRequestId: "req",
    lastServerClock: opts.lastServerClock ?? -1,
    protocolVersion: 8,
    schema: serverSchema,
  });
  await c.next((m) => m["type"] === "connect", "connect reply");
  return c;
}
