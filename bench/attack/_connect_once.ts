// One timed join: open a socket, send `connect`, wait for the reply, close.
import { connectFrame } from "./_frames.ts";
import { openSocket } from "./_ws.ts";

/** How one join went: ms until the reply (or the refusal), and "ok" or what happened. */
export interface Attempt {
  ms: number;
  outcome: string;
}

export async function connectOnce(
  port: number,
  room: string,
  session: string,
  headers: Record<string, string>,
  replyTimeoutMs: number,
): Promise<Attempt> {
  const start = performance.now();
  const socket = await openSocket(port, `/connect/${room}?sessionId=${session}`, headers);
  if (!("send" in socket)) {
    const outcome = socket.status ? `HTTP ${socket.status}` : socket.detail.slice(0, 40);
    return { ms: performance.now() - start, outcome };
  }
  try {
    await socket.send(connectFrame(session));
    const reply = await socket.next((m) => m["type"] === "connect", replyTimeoutMs);
    const ms = performance.now() - start;
    if (reply) return { ms, outcome: "ok" };
    if (socket.isClosed()) {
      const { code, reason } = await socket.closed;
      return { ms, outcome: `close ${code} ${reason}`.trim() };
    }
    return { ms, outcome: `no reply in ${replyTimeoutMs / 1000} s` };
  } finally {
    socket.close();
  }
}
