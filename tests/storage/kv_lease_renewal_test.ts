// Lease renewals: one ticker per provider renews every open room's lease in one task, packed into
// as few atomics as the check limit allows (not an atomic per room every third of the lifetime); a
// lease another server took is still found out, alone, while the others keep theirs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { decodeValue, encodeJson } from "../../src/storage/kv/kv_codec.ts";
import { LeaseTicker } from "../../src/storage/kv/kv_lease_ticker.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { countingKv } from "../helpers/counting_kv.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("LeaseTicker", () => {
  it("runs every registered renewal once per period, in one task; stops when the last leaves", () => {
    const time = new FakeTime();
    const ticker = new LeaseTicker(100, time);
    const calls: string[] = [];
    const leaveA = ticker.add(() => calls.push("a"));
    time.tick(50);
    const leaveB = ticker.add(() => calls.push("b"));
    const leaveBroken = ticker.add(() => {
      throw new Error("broken renewal");
    });
    assert.throws(() => time.tick(50), /broken renewal/); // after the others ran
    const first = [...calls];
    leaveA();
    leaveBroken();
    time.tick(100);
    const second = calls.slice(first.length);
    leaveB();

    assert.deepEqual(first, ["a", "b"]);
    assert.deepEqual(second, ["b"]);
    assert.equal(time.pending, 0);
  });

  it("has no timer once every lease left", () => {
    const time = new FakeTime();
    const ticker = new LeaseTicker(100, time);
    const leave = ticker.add(() => {});
    leave();
    assert.equal(time.pending, 0);
  });
});

describe("Lease renewals through the provider", () => {
  it("20 open rooms renew in two atomics per period (10 checks each), and every lease moves forward", async () => {
    const base = await openKv(":memory:");
    const { kv, atomics } = countingKv(base);
    const ttlMs = 300; // renewals every 100 ms
    const provider = new KvStorageProvider(kv, {
      ownerId: "me",
      leaseTtlMs: ttlMs,
      maxChecksPerAtomic: 10,
    });
    const rooms = await Promise.all(
      Array.from({ length: 20 }, (_, i) => provider.openRoom(`r${i}`)),
    );
    const expiry = async () =>
      await Promise.all(rooms.map(async (_, i) => {
        const stored = await base.get(new RoomKeys(["tlsync"], `r${i}`).lease());
        const lease = decodeValue(stored.value);
        return lease.ok ? (lease.value as { expiresAt: number }).expiresAt : 0;
      }));
    const before = await expiry();
    const atomicsBefore = atomics();
    const start = performance.now();

    // Until every lease was renewed twice (bounded: 100 × 30 ms).
    let after = before;
    for (let i = 0; i < 100 && !after.every((t, j) => t > before[j]! + 150); i++) {
      await sleep(30);
      after = await expiry();
    }
    const renewalAtomics = atomics() - atomicsBefore;
    const periods = Math.ceil((performance.now() - start) / 100) + 1;

    assert.ok(after.every((t, j) => t > before[j]! + 150), "every lease renewed twice");
    // Own timers: 20 atomics a period. Shared: 2 a period (20 checks, 10 per atomic).
    assert.ok(renewalAtomics <= 2 * periods, `${renewalAtomics} atomics in ${periods} periods`);
    for (const room of rooms) await room.close();
    provider.close();
  });

  it("a lease another server took is found out at the next renewal; the others keep theirs", async () => {
    const kv = await openKv(":memory:");
    const lost: string[] = [];
    const provider = new KvStorageProvider(kv, { ownerId: "me", leaseTtlMs: 300 });
    const rooms = await Promise.all(
      ["a", "b", "c"].map((id) =>
        provider.openRoom(id, { onLost: (reason) => lost.push(`${id}: ${reason}`) })
      ),
    );
    const bKey = new RoomKeys(["tlsync"], "b").lease();
    await kv.atomic().set(bKey, encodeJson({ owner: "rival", expiresAt: Date.now() + 60_000 }))
      .commit();

    await sleep(250);
    const rival = decodeValue((await kv.get(bKey)).value);

    assert.equal(lost.length, 1);
    assert.match(lost[0]!, /^b: Lost the room lease/);
    assert.equal(rival.ok && (rival.value as { owner: string }).owner, "rival"); // not overwritten
    for (const id of ["a", "c"]) {
      const lease = decodeValue((await kv.get(new RoomKeys(["tlsync"], id).lease())).value);
      assert.equal(lease.ok && (lease.value as { owner: string }).owner, "me");
    }
    await rooms[0]!.close();
    await rooms[2]!.close();
    provider.close();
  });
});
