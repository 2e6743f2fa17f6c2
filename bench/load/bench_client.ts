// A raw protocol client for the load generator: measures push→push_result and push→patch.
import { createTLSchema } from "@tldraw/tlschema";
import { geoShape, presence } from "../../fixtures/records.ts";

export const schema = createTLSchema().serialize();
export { geoShape };

export interface Latencies {
  ack: number[];
  fanout: number[];
}

/** Shared across clients: when each (shape, x) was pushed. */
export const sentAt = new Map<string, number>();

export class BenchClient {
  ws!: WebSocket;
  clientClock = 0;
  pending = new Map<number, number>();
  connected!: Promise<Record<string, unknown>>;
  closed = false;
  /**
   * `fast`: measure acknowledgements only, scanning frames for push results instead of parsing
   * them, so the generator is not the bottleneck of the saturation workload.
   */
  constructor(
    readonly url: string,
    readonly lat: Latencies,
    readonly shapeId: string,
    readonly fast = false,
  ) {}

  open(lastServerClock = -1): Promise<Record<string, unknown>> {
    this.ws = new WebSocket(this.url);
    this.connected = new Promise((resolve, reject) => {
      this.ws.onopen = () =>
        this.ws.send(
          JSON.stringify({
            type: "connect",
            connectRequestId: "b",
            lastServerClock,
            protocolVersion: 8,
            schema,
          }),
        );
      this.ws.onerror = () => reject(new Error(`ws error ${this.url}`));
      this.ws.onclose = () => (this.closed = true);
      this.ws.onmessage = (e) => {
        const text = String(e.data);
        // A large room's connect reply: the generator must not spend its time parsing megabytes
        // (it would measure itself); count the shapes instead.
        if (text.length > 65_536 && text.slice(0, 200).includes('"type":"connect"')) {
          return resolve({ type: "connect", shapeCount: countShapes(text) });
        }
        if (this.fast && text.includes('"push_result"')) return this.#scanAcks(text);
        if (this.fast && (text.includes('"type":"data"') || text.includes('"type":"patch"'))) {
          return; // peers' patches: not measured in fast mode
        }
        const msg = JSON.parse(text);
        if (msg.type === "connect") {
          msg.shapeCount = Object.keys(msg.diff ?? {}).length;
          return resolve(msg);
        }
        this.#onMessage(msg);
      };
    });
    return this.connected;
  }

  #onMessage(
    msg: { type: string; data?: unknown[]; diff?: Record<string, unknown>; clientClock?: number },
  ): void {
    const now = performance.now();
    if (msg.type === "data") {
      for (const m of msg.data as typeof msg[]) this.#onMessage(m);
      return;
    }
    if (msg.type === "push_result") {
      const t = this.pending.get(msg.clientClock!);
      if (t !== undefined) {
        this.lat.ack.push(now - t);
        this.pending.delete(msg.clientClock!);
      }
      return;
    }
    if (msg.type === "patch" || msg.type === "push") {
      for (const [id, op] of Object.entries(msg.diff ?? {})) {
        const o = op as [string, Record<string, [string, number]>];
        const x = o[0] === "patch" ? o[1]["x"]?.[1] : (o[1] as unknown as { x?: number })?.x;
        const t = sentAt.get(`${id}@${x}`);
        if (t !== undefined) this.lat.fanout.push(now - t);
      }
    }
  }

  /** Find each push result's clientClock: the nearest `"clientClock":N` to `"push_result"`. */
  #scanAcks(text: string): void {
    const now = performance.now();
    for (
      let i = text.indexOf('"push_result"');
      i !== -1;
      i = text.indexOf('"push_result"', i + 1)
    ) {
      const window = text.slice(Math.max(0, i - 60), i + 80);
      let best: number | undefined;
      let bestDistance = Infinity;
      for (const m of window.matchAll(/"clientClock":(\d+)/g)) {
        const distance = Math.abs(m.index! - Math.min(60, i));
        if (distance < bestDistance) (best = Number(m[1]), bestDistance = distance);
      }
      const t = best === undefined ? undefined : this.pending.get(best);
      if (t !== undefined) {
        this.lat.ack.push(now - t);
        this.pending.delete(best!);
      }
    }
  }

  /** Create this client's shape. */
  create(): void {
    const clock = ++this.clientClock;
    this.pending.set(clock, performance.now());
    this.ws.send(JSON.stringify({
      type: "push",
      clientClock: clock,
      diff: { [this.shapeId]: ["put", geoShape(this.shapeId, 0, 0)] },
      presence: ["put", presence("instance_presence:bench")],
    }));
  }

  /** Drag: move the shape to a fresh x, with a cursor presence update. */
  drag(x: number, withPresence: boolean): void {
    sentAt.set(`${this.shapeId}@${x}`, performance.now());
    this.#send({ [this.shapeId]: ["patch", { x: ["put", x] }] }, withPresence ? x : undefined);
  }

  pushRaw(diff: Record<string, unknown>): number {
    return this.#send(diff);
  }

  #send(diff: Record<string, unknown>, cursorX?: number): number {
    const clock = ++this.clientClock;
    this.pending.set(clock, performance.now());
    const msg: Record<string, unknown> = { type: "push", clientClock: clock, diff };
    if (cursorX !== undefined) {
      msg["presence"] = ["patch", {
        cursor: ["put", { x: cursorX, y: 0, type: "default", rotation: 0 }],
      }];
    }
    if (this.ws.readyState === 1) this.ws.send(JSON.stringify(msg));
    return clock;
  }

  close(): void {
    try {
      this.ws.close();
    } catch {
      // already closed
    }
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function countShapes(text: string): number {
  let n = 0;
  for (
    let i = text.indexOf('"typeName":"shape"');
    i !== -1;
    i = text.indexOf('"typeName":"shape"', i + 1)
  ) n++;
  return n;
}
