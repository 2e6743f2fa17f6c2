// Test-only: raw chunked uploads over TCP (node:net, on Deno and Bun), a clock whose timers can be
// awaited, and an asset store that reports when uploads reach it.
import { connect, type Socket } from "node:net";
import type { AssetStore } from "../../src/assets/asset_store.ts";
import type { QuotaGrant, QuotaHold, QuotaLedger } from "../../src/assets/upload_quota.ts";
import type { TimerHandle, TimeSource } from "../../src/ports/time_source.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";

/** A parsed HTTP answer. */
export interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** An upload whose body is sent chunk by chunk (`Transfer-Encoding: chunked`), by hand. */
export interface RawUpload {
  send(bytes: Uint8Array): void;
  finish(): void;
  /** The server's answer (the connection is closed once it is read). */
  answer: Promise<RawAnswer>;
}

export function rawUpload(port: number, path: string, type = "image/png"): RawUpload {
  const socket: Socket = connect(port, "127.0.0.1");
  socket.write(
    `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${type}\r\n` +
      "Transfer-Encoding: chunked\r\n\r\n",
  );
  let text = "";
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    socket.on("data", (data: Uint8Array) => {
      text += new TextDecoder().decode(data);
      const parsed = parseAnswer(text);
      if (parsed) {
        socket.destroy();
        resolve(parsed);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`Connection closed before an answer: ${text}`)));
  });
  return {
    send(bytes) {
      socket.write(`${bytes.length.toString(16)}\r\n`);
      socket.write(bytes);
      socket.write("\r\n");
    },
    finish() {
      socket.write("0\r\n\r\n");
    },
    answer,
  };
}

function parseAnswer(text: string): RawAnswer | null {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const head = text.slice(0, end).split("\r\n");
  const status = Number(head[0]!.split(" ")[1]);
  const length = head.find((l) => /^content-length:/i.test(l));
  let body = text.slice(end + 4);
  if (length) {
    const n = Number(length.split(":")[1]);
    if (body.length < n) return null;
    body = body.slice(0, n);
  } else {
    // Chunked: one chunk then the terminator.
    const m = /^([0-9a-f]+)\r\n/i.exec(body);
    if (!m || !body.includes("\r\n0\r\n\r\n")) return null;
    body = body.slice(m[0].length, m[0].length + parseInt(m[1]!, 16));
  }
  return { status, body: JSON.parse(body) };
}

/** FakeTime whose callers can wait until a condition holds, re-checked whenever a timer is set. */
export class WatchedTime implements TimeSource {
  readonly fake: FakeTime;
  #waiters: { until: () => boolean; resolve: () => void }[] = [];

  constructor(start?: number) {
    this.fake = new FakeTime(start);
  }
  now(): number {
    return this.fake.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = this.fake.setTimeout(fn, ms);
    this.check();
    return handle;
  }
  clearTimeout(handle: TimerHandle): void {
    this.fake.clearTimeout(handle);
  }
  tick(ms: number): void {
    this.fake.tick(ms);
  }
  get pending(): number {
    return this.fake.pending;
  }
  /** Resolves once `until()` is true (checked now, when timers are set and on `check()`). */
  when(until: () => boolean): Promise<void> {
    if (until()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ until, resolve }));
  }
  check(): void {
    for (const w of [...this.#waiters]) {
      if (w.until()) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }
}

/** Counts what reaches a store and its ledger; `onChange` runs after each count. */
export class SpyStore implements AssetStore {
  puts = 0;
  granted = 0;
  readonly quota: QuotaLedger;
  #inner: AssetStore;

  constructor(inner: AssetStore, onChange: () => void) {
    this.#inner = inner;
    const ledger = inner.quota!;
    this.quota = {
      reserve: async (bucket, bytes, limit, hold: QuotaHold): Promise<QuotaGrant> => {
        const grant = await ledger.reserve(bucket, bytes, limit, hold);
        this.granted += grant.granted;
        onChange();
        return grant;
      },
      settle: (bucket, hold, kept) => ledger.settle(bucket, hold, kept),
      used: (bucket) => ledger.used(bucket),
    };
    this.put = (id, body, type, options) => {
      this.puts++;
      onChange();
      return this.#inner.put(id, body, type, options);
    };
    this.get = (id) => this.#inner.get(id);
  }
  put: AssetStore["put"];
  get: AssetStore["get"];
}
