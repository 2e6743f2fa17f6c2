import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KvQuotaLedger } from "../../src/assets/kv_quota_ledger.ts";
import { MemoryQuotaLedger } from "../../src/assets/upload_quota.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import { lockRetryKv } from "../../src/storage/kv/lock_retry_kv.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { countKeys, openMemoryKv } from "./kv_helpers.ts";

const PREFIX = ["tlsync", "assets", "~quota", "bytes"];

describe("KvQuotaLedger", () => {
  it("a bare counter written before holds existed still counts as the room's stored bytes", async () => {
    const kv = await openMemoryKv();
    try {
      await kv.atomic().set([...PREFIX, "r"], new TextEncoder().encode("700")).commit();
      const ledger = new KvQuotaLedger(kv, PREFIX);
      const hold = { id: "h", expiresAt: Date.now() + 60_000 };

      const over = await ledger.reserve("r", 301, 1_000, hold);
      const fits = await ledger.reserve("r", 300, 1_000, hold);
      await ledger.settle("r", hold, 300);

      assert.deepEqual(over, { granted: 0, used: 700 });
      assert.deepEqual(fits, { granted: 300, used: 700 });
      assert.equal(await ledger.used("r"), 1_000);
    } finally {
      kv.close();
    }
  });

  it("settle() keeps the stored bytes and frees the rest of the hold", async () => {
    const kv = await openMemoryKv();
    try {
      const ledger = new KvQuotaLedger(kv, PREFIX);
      const hold = { id: "h", expiresAt: Date.now() + 60_000 };
      await ledger.reserve("r", 400, 1_000, hold);
      await ledger.reserve("r", 400, 1_000, hold);

      const held = await ledger.used("r");
      await ledger.settle("r", hold, 500);

      assert.equal(held, 800);
      assert.equal(await ledger.used("r"), 500);
      assert.equal(await countKeys(kv, [...PREFIX, "r", "hold"]), 0);
    } finally {
      kv.close();
    }
  });

  it("a hold never settled (the process died) counts after a reopen until it expires, then is deleted", async () => {
    const dir = tempDir();
    const time = new FakeTime();
    try {
      const path = dir.file("quota.kv.sqlite3");
      const before = await openKv(path);
      const crashed = new KvQuotaLedger(before, PREFIX, { now: () => time.now() });
      await crashed.reserve("r", 900, 1_000, { id: "lost", expiresAt: time.now() + 60_000 });
      before.close();
      const kv = await openKv(path);
      try {
        const ledger = new KvQuotaLedger(kv, PREFIX, { now: () => time.now() });
        const hold = { id: "new", expiresAt: time.now() + 120_000 };

        const whileHeld = await ledger.reserve("r", 500, 1_000, hold);
        time.tick(60_000);
        const afterExpiry = await ledger.reserve("r", 500, 1_000, hold);

        assert.deepEqual(whileHeld, { granted: 0, used: 900 });
        assert.deepEqual(afterExpiry, { granted: 500, used: 0 });
        assert.equal(await countKeys(kv, [...PREFIX, "r", "hold"]), 1, "the expired hold is gone");
      } finally {
        kv.close();
      }
    } finally {
      dir.remove();
    }
  });

  it("concurrent reservations through two KV handles never pass the limit", async () => {
    const dir = tempDir();
    try {
      const path = dir.file("quota.kv.sqlite3");
      const a = await openKv(path);
      const b = await openKv(path);
      try {
        // Two processes on one file, as the default server shares it (locked commits replayed).
        const ledgers = [a, b].map((kv) => new KvQuotaLedger(lockRetryKv(kv), PREFIX));
        const expiresAt = Date.now() + 60_000;

        const grants = await Promise.all(
          Array.from(
            { length: 20 },
            (_, i) => ledgers[i % 2]!.reserve("r", 100, 1_000, { id: `h${i}`, expiresAt }),
          ),
        );

        assert.equal(grants.filter((g) => g.granted === 100).length, 10);
        assert.equal(await ledgers[0]!.used("r"), 1_000);
      } finally {
        a.close();
        b.close();
      }
    } finally {
      dir.remove();
    }
  });
});

describe("MemoryQuotaLedger", () => {
  it("reserve() is all or nothing and an expired hold stops counting", async () => {
    const time = new FakeTime();
    const ledger = new MemoryQuotaLedger({ now: () => time.now() });
    const hold = { id: "h", expiresAt: time.now() + 1_000 };

    const partial = await ledger.reserve("r", 1_500, 1_000, hold);
    const whole = await ledger.reserve("r", 1_000, 1_000, hold);
    time.tick(1_000);

    assert.deepEqual(partial, { granted: 0, used: 0 });
    assert.deepEqual(whole, { granted: 1_000, used: 0 });
    assert.equal(await ledger.used("r"), 0);
  });
});
