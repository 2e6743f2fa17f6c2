// The one packer of KV writes: batches keep order, stay within ATOMIC_BUDGET and the check
// limit, and really commit on KV (an in-memory Deno KV on Deno, @deno/kv on Bun).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import {
  type AtomicCost,
  AtomicPacker,
  costOf,
  packAtomics,
  writeBatches,
} from "../../src/storage/kv/atomic_packer.ts";
import { ATOMIC_BUDGET, keyBytes, type Mutation } from "../../src/storage/kv/kv_limits.ts";

function put(i: number, bytes: number): Mutation {
  return { key: ["p", i], value: new Uint8Array(bytes) };
}

function sum(costs: AtomicCost[]): AtomicCost {
  const t = { mutations: 0, checks: 0, bytes: 0, keyBytes: 0 };
  for (const c of costs) {
    t.mutations += c.mutations;
    t.checks += c.checks;
    t.bytes += c.bytes;
    t.keyBytes += c.keyBytes;
  }
  return t;
}

function assertWithinBudget(batch: Mutation[]): void {
  const t = sum(batch.map((m) => costOf([m])));
  assert.ok(t.mutations <= ATOMIC_BUDGET.mutations, `${t.mutations} mutations`);
  assert.ok(t.bytes <= ATOMIC_BUDGET.bytes, `${t.bytes} bytes`);
  assert.ok(t.keyBytes <= ATOMIC_BUDGET.keyBytes, `${t.keyBytes} key bytes`);
}

describe("atomic packer", () => {
  it("costOf counts mutations, checks, keys plus values, and check keys as key bytes", () => {
    const m = { key: ["a", "bc"], value: new Uint8Array(10) };
    const del = { key: ["d"], value: null };
    const cost = costOf([m, del], [{ key: ["a"] }]);
    const k = keyBytes(m.key) + keyBytes(del.key);
    assert.deepEqual(cost, {
      mutations: 2,
      checks: 1,
      bytes: k + 10,
      keyBytes: k + keyBytes(["a"]),
    });
  });

  it("splits by mutation count, in order, each batch as full as the budget allows", () => {
    const items = Array.from({ length: 2000 }, (_, i) => put(i, 1));
    const batches = packAtomics(items, (m) => costOf([m]));
    assert.deepEqual(batches.map((b) => b.length), [900, 900, 200]);
    assert.deepEqual(batches.flat(), items);
  });

  it("splits by bytes: 60 KB values, 11 per atomic under the 700,000-byte budget", () => {
    const items = Array.from({ length: 25 }, (_, i) => put(i, 60_000));
    const batches = packAtomics(items, (m) => costOf([m]));
    assert.deepEqual(batches.map((b) => b.length), [11, 11, 3]);
    for (const b of batches) assertWithinBudget(b);
  });

  it("splits by key bytes: long keys with empty values", () => {
    const key = (i: number) => ["k".repeat(1000), i];
    const items: Mutation[] = Array.from({ length: 200 }, (_, i) => ({ key: key(i), value: null }));
    const batches = packAtomics(items, (m) => costOf([m]));
    const perKey = keyBytes(key(0));
    assert.equal(batches[0]!.length, Math.floor(ATOMIC_BUDGET.keyBytes / perKey));
    for (const b of batches) assertWithinBudget(b);
    assert.deepEqual(batches.flat(), items);
  });

  it("respects the check limit given, and KV's 10 by default", () => {
    const entries = Array.from({ length: 25 }, (_, i) => ({ checks: [{ key: ["h", i] }], i }));
    const cost = (e: { checks: { key: (string | number)[] }[] }) => costOf([], e.checks);
    assert.deepEqual(packAtomics(entries, cost).map((b) => b.length), [10, 10, 5]);
    assert.deepEqual(packAtomics(entries, cost, 4).map((b) => b.length), [4, 4, 4, 4, 4, 4, 1]);
  });

  it("gives an entry too big for any atomic a batch of its own, and packs around it", () => {
    const items = [put(0, 10), put(1, ATOMIC_BUDGET.bytes + 1), put(2, 10), put(3, 10)];
    const batches = packAtomics(items, (m) => costOf([m]));
    assert.deepEqual(batches.map((b) => b.map((m) => m.key[1])), [[0], [1], [2, 3]]);
  });

  it("full() is false on an empty packer whatever the cost, true once a next entry would not fit", () => {
    const packer = new AtomicPacker();
    const huge = { mutations: 5000, checks: 0, bytes: 0, keyBytes: 0 };
    assert.equal(packer.isEmpty, true);
    assert.equal(packer.full(huge), false);
    packer.add({ mutations: 900, checks: 0, bytes: 0, keyBytes: 0 });
    assert.equal(packer.full({ mutations: 1, checks: 0, bytes: 0, keyBytes: 0 }), true);
    packer.reset();
    assert.equal(packer.isEmpty, true);
  });

  it("writeBatches writes more than one atomic can carry, and deletes it again", async () => {
    const kv = await openKv(":memory:");
    try {
      const writes = Array.from({ length: 30 }, (_, i) => put(i, 60_000)); // 1.8 MB
      await writeBatches(kv, writes);
      let n = 0;
      for await (const e of kv.list<Uint8Array>({ prefix: ["p"] })) {
        assert.equal(e.value.length, 60_000);
        n++;
      }
      assert.equal(n, 30);
      await writeBatches(kv, writes.map((m) => ({ key: m.key, value: null })));
      for await (const _ of kv.list({ prefix: ["p"] })) assert.fail("a key was left");
    } finally {
      kv.close();
    }
  });
});
