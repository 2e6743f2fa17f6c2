// SqliteKv (bun:sqlite on Deno KV's file layout) beyond the shared conformance suite: expiry on
// an injected clock, Deno KV's limits, hostile files and stored values, several processes on one
// file, and kill -9 after acknowledged commits. Bun only (bun:sqlite); skipped on Deno.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { openSqliteKv } from "../../src/runtime/bun/open_sqlite_kv.ts";
import { SQLITE_KV_MAX_CHECKS } from "../../src/runtime/bun/sqlite_kv_atomic.ts";
import { EXPIRY_SWEEP_INTERVAL_MS } from "../../src/runtime/bun/sqlite_kv_txn.ts";
import { KvKeyDecodeError } from "../../src/runtime/kv_key_codec.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { isBun, killAfterAcks, runChild } from "./kv_child_process.ts";

const dir = tempDir("tlsync-sqlitekv-");
after(() => dir.remove());
let n = 0;
const fresh = (): string => dir.file(`kv-${n++}.sqlite3`);
const one = new Uint8Array([1]);

/** Run SQL on the file directly (bun:sqlite, a name Deno's type check does not resolve). */
async function raw(path: string, sql: string, ...params: unknown[]): Promise<unknown[][]> {
  const specifier = "bun:sqlite";
  const { Database } = await import(specifier);
  const db = new Database(path);
  try {
    return db.prepare(sql).values(...params);
  } finally {
    db.close();
  }
}

async function using(kv: KvLike, fn: (kv: KvLike) => Promise<void>): Promise<void> {
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

describe("SqliteKv", { skip: !isBun }, () => {
  it("expired entries are invisible at once and swept by a later commit", async () => {
    let now = 1_000_000;
    const path = fresh();
    await using(await openSqliteKv(path, { now: () => now }), async (kv) => {
      const lease = await kv.atomic().set(["lease"], one, { expireIn: 500 }).commit();
      assert.ok(lease.ok);
      now += 499;
      assert.equal((await kv.get(["lease"])).versionstamp, lease.versionstamp);
      now += 1;
      assert.equal((await kv.get(["lease"])).value, null);
      for await (const _ of kv.list({ prefix: [] })) assert.fail("an expired entry was listed");
      const stale = await kv.atomic().check({ key: ["lease"], versionstamp: lease.versionstamp })
        .commit();
      assert.equal(stale.ok, false, "an expired entry is absent to checks");
      assert.equal((await raw(path, "select count(*) from kv"))[0]![0], 1, "not swept yet");
      now += EXPIRY_SWEEP_INTERVAL_MS;
      const taken = await kv.atomic().check({ key: ["lease"], versionstamp: null }).set(["x"], one)
        .commit();
      assert.ok(taken.ok);
      assert.deepEqual(await raw(path, "select count(*) from kv where expiration_ms >= 0"), [[0]]);
    });
  });

  it("refuses what Deno KV refuses, with TypeErrors, writing nothing", async () => {
    await using(await openSqliteKv(":memory:"), async (kv) => {
      const checks = (count: number) =>
        Array.from({ length: count }, (_, i) => ({ key: ["c", i], versionstamp: null }));
      assert.ok((await kv.atomic().check(...checks(SQLITE_KV_MAX_CHECKS)).commit()).ok);
      const cases: [string, () => Promise<unknown>][] = [
        ["checks", () => kv.atomic().check(...checks(SQLITE_KV_MAX_CHECKS + 1)).commit()],
        ["mutations", () => {
          const op = kv.atomic();
          for (let i = 0; i < 1001; i++) op.set(["m", i], one);
          return op.commit();
        }],
        ["Total mutation size", () => {
          const op = kv.atomic();
          for (let i = 0; i < 13; i++) op.set(["t", i], new Uint8Array(65_000));
          return op.commit();
        }],
        ["Total key size", () => {
          const op = kv.atomic();
          for (let i = 0; i < 41; i++) op.set(["k".repeat(2000), i], one);
          return op.commit();
        }],
        ["read", () => kv.get(["k".repeat(2048)])],
        ["expireIn", async () => kv.atomic().set(["e"], one, { expireIn: -1 })],
        ["expireIn", async () => kv.atomic().set(["e"], one, { expireIn: NaN })],
        ["Uint8Array", async () => kv.atomic().set(["s"], "text")],
        ["not supported", () => kv.get([null as unknown as string])],
      ];
      for (const [what, fn] of cases) {
        await assert.rejects(
          fn,
          (e: Error) => e instanceof TypeError && e.message.includes(what),
          what,
        );
      }
      const left = [];
      for await (const e of kv.list({ prefix: [] })) left.push(e.key);
      assert.deepEqual(left, [], "nothing was written");
    });
  });

  it("opening a new file waits for another connection's lock instead of failing", async () => {
    // Several processes opening one new file at once (bun_cluster.ts on a fresh data directory):
    // SQLite answers the switch to WAL with SQLITE_BUSY at once while another holds a lock. Here
    // another connection holds one for 200 ms; the open must wait it out, then work.
    const path = fresh();
    const specifier = "bun:sqlite";
    const { Database } = await import(specifier);
    const holder = new Database(path, { create: true });
    holder.exec("begin exclusive");
    holder.exec("create table held (x)");
    let settled = false;
    const opening = openSqliteKv(path).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(settled, false, "the open waited for the lock");
    holder.exec("commit");
    holder.close();
    await using(await opening, async (kv) => {
      assert.equal((await kv.atomic().set(["after"], one).commit()).ok, true);
      assert.deepEqual((await kv.get(["after"])).value, one);
    });
    assert.deepEqual(await raw(path, "pragma journal_mode"), [["wal"]]);
  });

  it("a file that is not SQLite fails to open with one line and is left unchanged", async () => {
    const path = fresh();
    const junk = new TextEncoder().encode("this is not a database\n".repeat(200));
    writeFileSync(path, junk);
    await assert.rejects(
      () => openSqliteKv(path),
      (e: Error) => /not a database/.test(e.message) && !e.message.includes("\n"),
    );
    assert.deepEqual(new Uint8Array(readFileSync(path)), junk);
    await assert.rejects(() => openSqliteKv(dir.path), /unable to open|directory|not a database/i);
  });

  it("a SQLite file with damaged pages fails to open or on its first read", async () => {
    const path = fresh();
    await using(await openSqliteKv(path), async (kv) => {
      const op = kv.atomic();
      for (let i = 0; i < 200; i++) op.set(["d", i], new Uint8Array(300).fill(7));
      await op.commit();
    });
    await raw(path, "pragma wal_checkpoint(truncate)");
    const bytes = new Uint8Array(readFileSync(path));
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 131) & 255; // every page after the first
    writeFileSync(path, bytes);
    await assert.rejects(async () => {
      const kv = await openSqliteKv(path);
      try {
        for await (const _ of kv.list({ prefix: ["d"] }));
      } finally {
        kv.close();
      }
    }, /malformed|not a database|corrupt|invalid/i);
  });

  it("a KV file of a newer layout is refused with a clear error", async () => {
    const path = fresh();
    (await openSqliteKv(path)).close();
    await raw(path, "update migration_state set version = 4 where k = 0");
    await assert.rejects(
      () => openSqliteKv(path),
      /schema version 4; this server knows Deno KV's versions 0 to 3/,
    );
  });

  it("stored values and keys it cannot read fail with clear errors", async () => {
    const path = fresh();
    (await openSqliteKv(path)).close();
    const v8Key = new Uint8Array([0x27]); // [true]: after the bad key below
    await raw(
      path,
      "insert into kv (k, v, v_encoding, version) values (?, ?, 1, 1)",
      v8Key,
      new Uint8Array([255, 15]),
    );
    await raw(
      path,
      "insert into kv (k, v, v_encoding, version) values (?, ?, 3, 1)",
      new Uint8Array([0x07, 1]),
      one,
    );
    await using(await openSqliteKv(path), async (kv) => {
      await assert.rejects(
        () => kv.get([true]),
        /holds a V8-serialized value; this store reads only Uint8Array/,
      );
      await assert.rejects(async () => {
        for await (const _ of kv.list({ prefix: [] }, { batchSize: 10 }));
      }, KvKeyDecodeError);
    });
  });

  it(
    "processes sharing one file: every checked increment lands, versionstamps unique and growing",
    { timeout: 120_000 },
    async () => {
      const path = fresh();
      (await openSqliteKv(path)).close(); // created once, so the children race on commits only
      const per = 200;
      const runs = await Promise.all(
        [0, 1, 2].map(() => runChild("self", ["count", path, "sqlite", String(per)])),
      );
      const stamps = runs.map((out) => JSON.parse(out) as string[]);
      for (const s of stamps) for (let i = 1; i < s.length; i++) assert.ok(s[i - 1]! < s[i]!);
      assert.equal(new Set(stamps.flat()).size, 3 * per);
      await using(await openSqliteKv(path), async (kv) => {
        const counter = (await kv.get<Uint8Array>(["counter"])).value!;
        assert.equal(new DataView(counter.buffer, counter.byteOffset).getUint32(0), 3 * per);
      });
    },
  );

  it(
    "every acknowledged commit survives kill -9 of the writing process",
    { timeout: 120_000 },
    async () => {
      const path = fresh();
      const acks = await killAfterAcks(path, 150);
      assert.ok(acks.length >= 150, `the child acknowledged ${acks.length} commits`);
      await using(await openSqliteKv(path), async (kv) => {
        for (const i of acks) {
          const v = (await kv.get<Uint8Array>(["ack", i])).value;
          assert.ok(v && v.length === 100 && v[0] === (i & 255), `ack ${i} kept`);
        }
      });
    },
  );
});
