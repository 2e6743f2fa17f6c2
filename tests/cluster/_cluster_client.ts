// Test-only: a raw protocol client that keeps a view of the room's shapes (connect diff +
// patches), remembers which of its pushes were acknowledged, and can reconnect.
import { openRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape, serverSchema } from "../helpers/records.ts";

export class ShapeClient {
  readonly name: string;
  readonly shapes = new Set<string>();
  readonly acked = new Set<string>();
  port: number;
  raw: RawClient | null = null;
  #clock = 0;
  #pending = new Map<number, string>();

  constructor(name: string, port: number) {
    this.name = name;
    this.port = port;
  }

  /** Open a socket and finish the handshake (full state: lastServerClock -1). */
  async connect(roomId: string): Promise<void> {
    const raw = await openRaw(
      `ws://127.0.0.1:${this.port}/connect/${roomId}?sessionId=${this.name}`,
    );
    this.raw = raw;
    this.#pending.clear();
    raw.ws.addEventListener("message", (e) => this.#onFrame(String(e.data)));
    raw.send({
      type: "connect",
      connectRequestId: `c-${this.name}`,
      lastServerClock: -1,
      protocolVersion: 8,
      schema: serverSchema,
    });
    await raw.next((m) => m["type"] === "connect", `connect reply for ${this.name}`, 10_000);
  }

  /** Connect, retrying while the cluster elects a new writer (sockets closed 1011/1012). */
  async connectRetrying(roomId: string, deadlineMs = 20_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      try {
        return await this.connect(roomId);
      } catch (error) {
        this.raw?.close();
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  }

  /** Push one new shape; `acked` gets its id once the server commits it. */
  push(id: string): void {
    const clock = ++this.#clock;
    this.#pending.set(clock, id);
    this.raw!.send({
      type: "push",
      clientClock: clock,
      diff: { [id]: ["put", geoShape(id, clock)] },
    });
  }

  /** Resolves once every id in `ids` is in this client's view (or rejects after `ms`). */
  async waitForShapes(ids: Iterable<string>, ms = 15_000): Promise<void> {
    const want = [...ids];
    const deadline = Date.now() + ms;
    while (want.some((id) => !this.shapes.has(id))) {
      if (Date.now() > deadline) {
        const missing = want.filter((id) => !this.shapes.has(id));
        throw new Error(`${this.name} misses ${missing.length} shapes: ${missing.slice(0, 5)}`);
      }
      await sleep(20);
    }
  }

  close(): void {
    this.raw?.close();
  }

  #onFrame(text: string): void {
    const msg = JSON.parse(text);
    for (const m of msg.type === "data" ? msg.data : [msg]) {
      if (m.type === "connect" || m.type === "patch") {
        this.#applyDiff(m.diff ?? {}, m.type === "connect" && m.hydrationType === "wipe_all");
      }
      if (m.type === "push_result") {
        const id = this.#pending.get(m.clientClock);
        this.#pending.delete(m.clientClock);
        if (id && m.action === "commit") {
          this.acked.add(id);
          this.shapes.add(id);
        }
      }
    }
  }

  #applyDiff(diff: Record<string, [string, unknown]>, wipe: boolean): void {
    if (wipe) this.shapes.clear();
    for (const [id, op] of Object.entries(diff)) {
      if (!id.startsWith("shape:")) continue;
      if (op[0] === "remove") this.shapes.delete(id);
      else this.shapes.add(id);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
