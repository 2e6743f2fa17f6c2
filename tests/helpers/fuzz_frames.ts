// Test-only: seeded random and mutated protocol frames for the fuzz test. Every record id a
// frame names is in the "fuzz" namespace, so fuzzing can never legitimately touch other records.
import { geoShape, presence, serverSchema } from "./records.ts";

/** A frame as sent: text or binary. */
export type Frame = string | Uint8Array;

/** mulberry32: a small seeded PRNG in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;

export class FrameFuzzer {
  #rand: () => number;
  #clock = 0;

  constructor(seed: number) {
    this.#rand = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.#rand() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.#rand() < p;
  }

  /** A valid connect frame. */
  connect(): Json {
    return {
      type: "connect",
      connectRequestId: `fuzz-${this.int(1e6)}`,
      lastServerClock: -1,
      protocolVersion: 8,
      schema: serverSchema,
    };
  }

  /** A valid push: put, patch or remove of a fuzz shape, or presence. */
  push(): Json {
    const id = `shape:fuzz-${this.int(40)}`;
    const diff = this.pick([
      () => ({ [id]: ["put", geoShape(id, this.int(500), this.int(500))] }),
      () => ({ [id]: ["patch", { x: ["put", this.int(500)] }] }),
      () => ({ [id]: ["remove"] }),
    ])();
    const frame: Json = { type: "push", clientClock: ++this.#clock, diff };
    if (this.chance(0.3)) frame["presence"] = ["put", presence("instance_presence:fuzz", 1, 2)];
    return frame;
  }

  /** A frame: valid, mutated or random, text or binary. */
  next(): Frame {
    const valid = this.pick([() => this.connect(), () => this.push(), () => ({ type: "ping" })])();
    if (this.chance(0.15)) return JSON.stringify(valid);
    return this.pick([
      () => this.#truncate(JSON.stringify(valid)),
      () => JSON.stringify({ ...valid, type: this.pick(TYPES) }),
      () => JSON.stringify(this.#hugeNumber(valid)),
      () => JSON.stringify(this.#garbageField(valid)),
      () => JSON.stringify(this.#wrongOps(valid)),
      () => this.#chunked(JSON.stringify(valid)),
      () => this.#binary(JSON.stringify(valid)),
      () => this.pick(ODD_TEXT),
    ])();
  }

  #truncate(text: string): string {
    return text.slice(0, this.int(text.length));
  }

  #hugeNumber(frame: Json): Json {
    const field = this.pick(["clientClock", "lastServerClock", "protocolVersion"]);
    const out: Json = { ...frame, [field]: this.pick(NUMBERS) };
    if (frame["type"] === "push") {
      const id = `shape:fuzz-${this.int(40)}`;
      out["diff"] = { [id]: ["put", geoShape(id, this.pick(NUMBERS) as number, 0)] };
    }
    return out;
  }

  #nested(depth: number): unknown {
    let value: unknown = this.pick([null, 1, "x", true, {}]);
    for (let i = 0; i < depth; i++) value = this.chance(0.5) ? [value] : { k: value };
    return value;
  }

  #garbageField(frame: Json): Json {
    const field = this.pick([
      "diff",
      "schema",
      "presence",
      "type",
      "connectRequestId",
      "clientClock",
    ]);
    return { ...frame, [field]: this.#nested(this.int(this.chance(0.1) ? 3000 : 20)) };
  }

  #wrongOps(frame: Json): Json {
    const id = `shape:fuzz-${this.int(40)}`;
    const op = this.pick<unknown>([
      ["put"],
      ["put", { id, typeName: "shape" }],
      ["put", { ...geoShape(id), typeName: "instance" }],
      ["put", { ...geoShape(id), props: "nope" }],
      ["put", geoShape(`shape:fuzz-other-${this.int(9)}`)],
      ["patch", 5],
      ["patch", { props: ["put", null] }],
      ["patch", { x: ["append", "s", 0] }],
      JSON.parse('["patch", {"__proto__": ["put", {"polluted": true}]}]'),
      ["remove", {}],
      ["append", 1, 2],
      "put",
      [],
      null,
      { put: geoShape(id) },
    ]);
    const diff = this.chance(0.2)
      ? JSON.parse(`{"__proto__": ${JSON.stringify(op)}}`)
      : { [id]: op };
    const presenceOp = this.pick<unknown>([
      ["patch", { x: ["put", "y"] }],
      ["put", {}],
      ["nope"],
      7,
    ]);
    return { type: "push", clientClock: this.int(1e6), diff, presence: presenceOp };
  }

  #chunked(text: string): string {
    const cut = this.int(text.length + 1);
    return this.pick([
      () => `${this.int(4)}_${text.slice(0, cut)}`,
      () => `0_${text}`,
      () => `999999999_${text.slice(cut)}`,
      () => `-1_${text}`,
      () => `1_`,
      () => `12345678901_${text}`,
    ])();
  }

  #binary(text: string): Uint8Array {
    const bytes = new TextEncoder().encode(text);
    const out = new Uint8Array(bytes.length + 4);
    out.set(bytes);
    out.set([0xff, 0xc0, 0xed, 0xa0], this.chance(0.5) ? bytes.length : 0); // Invalid UTF-8.
    return this.chance(0.2) ? bytes : out;
  }
}

const TYPES: unknown[] = [
  "connect",
  "push",
  "ping",
  "pong",
  "push_result",
  "data",
  "",
  "PUSH",
  42,
  null,
  {},
];
const NUMBERS: unknown[] = [1e308, -1e308, 2 ** 53 + 1, -1, 0.5, 1e21, -0, "NaN", null, "8"];
const ODD_TEXT: string[] = [
  "",
  "{",
  "null",
  "[]",
  '"str"',
  "{}",
  "0",
  '{"type":"push"}',
  '{"type":"push","diff":[]}',
  '{"type":"connect"}',
  '{"__proto__":{"type":"push"},"clientClock":1}',
  "\u0000\uffff\ud800",
  "x".repeat(70_000),
];
