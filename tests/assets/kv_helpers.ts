// Test-only: an in-memory KV on Deno (native) or Bun (@deno/kv), and a KvLike that records atomics.
import type { KvAtomicLike, KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import { openKv } from "../../src/runtime/open_kv.ts";

export function openMemoryKv(): Promise<KvLike> {
  return openKv(":memory:");
}

export interface RecordedAtomic {
  sets: { key: KvKey; value: unknown }[];
  deletes: KvKey[];
  checks: number;
}

/** Wrap `kv` so every committed atomic's mutations are recorded. */
export function recordingKv(kv: KvLike): { kv: KvLike; atomics: RecordedAtomic[] } {
  const atomics: RecordedAtomic[] = [];
  const wrapped: KvLike = {
    get: (key) => kv.get(key),
    list: (selector, options) => kv.list(selector, options),
    close: () => kv.close(),
    atomic: () => {
      const inner = kv.atomic();
      const record: RecordedAtomic = { sets: [], deletes: [], checks: 0 };
      const op: KvAtomicLike = {
        check: (...checks) => {
          record.checks += checks.length;
          inner.check(...checks);
          return op;
        },
        set: (key, value) => {
          record.sets.push({ key, value });
          inner.set(key, value);
          return op;
        },
        delete: (key) => {
          record.deletes.push(key);
          inner.delete(key);
          return op;
        },
        commit: async () => {
          const result = await inner.commit();
          if (result.ok) atomics.push(record);
          return result;
        },
      };
      return op;
    },
  };
  return { kv: wrapped, atomics };
}

export async function countKeys(kv: KvLike, prefix: KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

/** A stream that sends `first`, waits for `release()`, then sends `rest`. */
export function gatedStream(first: Uint8Array, rest: Uint8Array): {
  stream: ReadableStream<Uint8Array>;
  firstPulled: Promise<void>;
  release(): void;
} {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let pulledFirst!: () => void;
  const firstPulled = new Promise<void>((r) => (pulledFirst = r));
  let step = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (step === 0) {
        controller.enqueue(first);
      } else if (step === 1) {
        pulledFirst();
        await gate;
        controller.enqueue(rest);
      } else {
        controller.close();
      }
      step++;
    },
  }, { highWaterMark: 0 }); // pull only when the store reads, so "second pull" means "first consumed"
  return { stream, firstPulled, release };
}
