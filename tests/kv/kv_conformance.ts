// Test-only: the KvLike behaviour this project relies on, as one suite run against every KV
// implementation (kv_conformance_test.ts): native Deno KV on Deno; SqliteKv and @deno/kv on Bun.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

async function keysUnder(
  kv: KvLike,
  prefix: KvKey,
  options: { batchSize?: number; limit?: number } = {},
  start?: KvKey,
): Promise<KvKey[]> {
  const out: KvKey[] = [];
  const selector = start ? { prefix, start } : { prefix };
  for await (const e of kv.list(selector, options)) out.push(e.key);
  return out;
}

async function set(kv: KvLike, key: KvKey, value = bytes(1)): Promise<string> {
  const r = await kv.atomic().set(key, value).commit();
  assert.ok(r.ok);
  return r.versionstamp;
}

/** Register the suite's tests for the KV `open` returns (a fresh, empty one each call). */
export function kvConformance(open: () => Promise<KvLike>, options: { bytesOnly: boolean }): void {
  const withKv = (fn: (kv: KvLike) => Promise<void>) => async () => {
    const kv = await open();
    try {
      await fn(kv);
    } finally {
      kv.close();
    }
  };

  it(
    "get: absent is null/null; a set value reads back with a 20-hex-digit versionstamp",
    withKv(async (kv) => {
      assert.deepEqual(await kv.get(["nope"]), { key: ["nope"], value: null, versionstamp: null });
      const stamp = await set(kv, ["k"], bytes(0, 1, 255));
      assert.match(stamp, /^[0-9a-f]{20}$/);
      const got = await kv.get<Uint8Array>(["k"]);
      assert.deepEqual(Array.from(got.value!), [0, 1, 255]);
      assert.equal(got.versionstamp, stamp);
      await set(kv, ["empty"], new Uint8Array(0));
      assert.equal((await kv.get<Uint8Array>(["empty"])).value!.length, 0);
    }),
  );

  it(
    "versionstamps grow with each commit; one commit's entries share one",
    withKv(async (kv) => {
      const a = await set(kv, ["a"]);
      const r = await kv.atomic().set(["b"], bytes(2)).set(["c"], bytes(3)).commit();
      assert.ok(r.ok && r.versionstamp > a);
      assert.equal((await kv.get(["b"])).versionstamp, r.versionstamp);
      assert.equal((await kv.get(["c"])).versionstamp, r.versionstamp);
      assert.ok((await set(kv, ["a"])) > r.versionstamp);
    }),
  );

  it(
    "lists in Deno KV key order across part types",
    withKv(async (kv) => {
      const sorted: KvKey[] = [
        ["p", bytes()],
        ["p", bytes(0)],
        ["p", bytes(0, 0)],
        ["p", ""],
        ["p", "\0"],
        ["p", "a"],
        ["p", "a", 1],
        ["p", "b"],
        ["p", "é"],
        ["p", -5n],
        ["p", 0n],
        ["p", 1n << 70n],
        ["p", -Infinity],
        ["p", -1.5],
        ["p", 0],
        ["p", 2],
        ["p", 10],
        ["p", Infinity],
        ["p", false],
        ["p", true],
      ];
      const op = kv.atomic();
      for (const key of [...sorted].reverse()) op.set(key, bytes(1));
      assert.ok((await op.commit()).ok);
      assert.deepEqual(await keysUnder(kv, ["p"]), sorted);
      assert.deepEqual(await keysUnder(kv, ["p"], { batchSize: 3 }), sorted);
    }),
  );

  it(
    "prefix: keys strictly under it (not the prefix key, not siblings)",
    withKv(async (kv) => {
      for (const key of [["r"], ["r", "x"], ["r", "x", 1], ["ra"], ["q", "r"], ["r", 5]]) {
        await set(kv, key);
      }
      assert.deepEqual(await keysUnder(kv, ["r"]), [["r", "x"], ["r", "x", 1], ["r", 5]]);
      assert.deepEqual(await keysUnder(kv, ["r", "x"]), [["r", "x", 1]]);
      assert.deepEqual(await keysUnder(kv, ["zz"]), []);
    }),
  );

  it(
    "list: start is inclusive; limit and batchSize page correctly",
    withKv(async (kv) => {
      const op = kv.atomic();
      for (let i = 0; i < 25; i++) op.set(["n", i], bytes(i));
      await op.commit();
      const all = await keysUnder(kv, ["n"], { batchSize: 4 });
      assert.deepEqual(all, Array.from({ length: 25 }, (_, i) => ["n", i]));
      assert.deepEqual(await keysUnder(kv, ["n"], { limit: 3, batchSize: 2 }), [
        ["n", 0],
        ["n", 1],
        ["n", 2],
      ]);
      assert.deepEqual(await keysUnder(kv, ["n"], { limit: 2 }, ["n", 7]), [["n", 7], ["n", 8]]);
      assert.deepEqual((await keysUnder(kv, ["n"], {}, ["n", 20])).length, 5);
      const entries = [];
      for await (const e of kv.list<Uint8Array>({ prefix: ["n"] }, { limit: 2 })) entries.push(e);
      assert.deepEqual(Array.from(entries[1]!.value), [1]);
      assert.match(entries[1]!.versionstamp, /^[0-9a-f]{20}$/);
    }),
  );

  it(
    "atomic checks: null means absent; a stale versionstamp fails and writes nothing",
    withKv(async (kv) => {
      assert.ok(
        (await kv.atomic().check({ key: ["c"], versionstamp: null }).set(["c"], bytes(1)).commit())
          .ok,
      );
      const v1 = (await kv.get(["c"])).versionstamp!;
      const again = await kv.atomic().check({ key: ["c"], versionstamp: null }).set(["d"], bytes(1))
        .commit();
      assert.equal(again.ok, false);
      assert.equal((await kv.get(["d"])).value, null);
      assert.ok(
        (await kv.atomic().check({ key: ["c"], versionstamp: v1 }).set(["c"], bytes(2)).commit())
          .ok,
      );
      const stale = await kv.atomic().check({ key: ["c"], versionstamp: v1 }).delete(["c"])
        .commit();
      assert.equal(stale.ok, false);
      assert.deepEqual(Array.from((await kv.get<Uint8Array>(["c"])).value!), [2]);
    }),
  );

  it(
    "delete removes a key (and deleting an absent key commits)",
    withKv(async (kv) => {
      await set(kv, ["x"]);
      const v = (await kv.get(["x"])).versionstamp;
      assert.ok(
        (await kv.atomic().check({ key: ["x"], versionstamp: v }).delete(["x"]).commit()).ok,
      );
      assert.equal((await kv.get(["x"])).versionstamp, null);
      assert.ok((await kv.atomic().delete(["never"]).commit()).ok);
    }),
  );

  it(
    "expireIn in the future: visible until then",
    withKv(async (kv) => {
      assert.ok((await kv.atomic().set(["lease"], bytes(7), { expireIn: 3_600_000 }).commit()).ok);
      assert.deepEqual(Array.from((await kv.get<Uint8Array>(["lease"])).value!), [7]);
      assert.deepEqual(await keysUnder(kv, []), [["lease"]]);
    }),
  );

  it(
    "refuses keys over 2048 bytes and values over 64 KiB; accepts both at the limit",
    withKv(async (kv) => {
      const key = (n: number): KvKey => ["k".repeat(n - 2)]; // tag + terminator
      assert.ok((await kv.atomic().set(key(2048), bytes(1)).commit()).ok);
      await assert.rejects(async () => await kv.atomic().set(key(2049), bytes(1)).commit(), Error);
      assert.ok((await kv.atomic().set(["v"], new Uint8Array(65_536)).commit()).ok);
      await assert.rejects(
        async () => await kv.atomic().set(["w"], new Uint8Array(65_537)).commit(),
        Error,
      );
      assert.equal((await kv.get(["w"])).value, null);
    }),
  );

  it(
    "refuses an empty key for a write; lists under the empty prefix",
    withKv(async (kv) => {
      await assert.rejects(async () => await kv.atomic().set([], bytes(1)).commit(), Error);
      await set(kv, ["a"]);
      assert.deepEqual(await keysUnder(kv, [], { batchSize: 1 }), [["a"]]);
    }),
  );

  if (options.bytesOnly) {
    it(
      "refuses values that are not Uint8Array",
      withKv(async (kv) => {
        await assert.rejects(
          async () => await kv.atomic().set(["o"], { a: 1 }).commit(),
          /must be Uint8Array/,
        );
        await assert.rejects(
          async () => await kv.atomic().set(["n"], 5).commit(),
          /must be Uint8Array/,
        );
        assert.equal((await kv.get(["o"])).value, null);
      }),
    );
  }
}
