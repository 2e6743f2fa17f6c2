// Test-only: a KV that counts the atomics started through it.
import type { KvLike } from "../../src/storage/kv/kv_like.ts";

/** `kv`, and how many atomics were started through the returned one so far. */
export function countingKv(kv: KvLike): { kv: KvLike; atomics: () => number } {
  let atomics = 0;
  return {
    atomics: () => atomics,
    kv: {
      get: (k) => kv.get(k),
      list: (s, o) => kv.list(s, o),
      close: () => kv.close(),
      atomic: () => {
        atomics++;
        return kv.atomic();
      },
    },
  };
}
