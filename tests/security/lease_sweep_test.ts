// Lease keys do not pile up: a release waits for a renewal in flight and deletes what it wrote,
// nothing renews after a release, lease writes ask KV to expire them, and a bounded sweep
// removes the expired leases of servers that died. Real KV files.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import { leasesPrefix } from "../../src/storage/kv/kv_keys.ts";
import { LEASE_EXPIRE_TTLS } from "../../src/storage/kv/kv_lease.ts";
import { LeaseSweeper } from "../../src/storage/kv/kv_lease_sweep.ts";
import type { KvAtomicLike, KvKey, KvLike } from "../../src/storage/kv/kv_like.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { geoShape } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { commit } from "../storage/storage_contract.ts";

const isLease = (key: KvKey) => key.length >= 2 && key[key.length - 2] === "lease";

/** `kv` that records lease writes and can hold the result of the next one at a gate. */
function watched(kv: KvLike) {
  const log = { expireIns: [] as (number | undefined)[], writesAfterRelease: 0, released: false };
  let hold: { entered: () => void; gate: Promise<void> } | null = null;
  const wrapped: KvLike = {
    get: (k) => kv.get(k),
    list: (s, o) => kv.list(s, o),
    close: () => kv.close(),
    atomic: () => {
      const op = kv.atomic();
      let leaseWrite = false;
      const set = op.set.bind(op);
      op.set = (key, value, options) => {
        if (isLease(key)) {
          leaseWrite = true;
          log.expireIns.push(options?.expireIn);
          if (log.released) log.writesAfterRelease++;
        }
        return set(key, value, options) as KvAtomicLike;
      };
      const real = op.commit.bind(op);
      op.commit = async () => {
        const h = leaseWrite ? hold : null;
        if (h) hold = null;
        const result = await real();
        if (h) {
          h.entered(); // written in KV; the lease has not heard back yet
          await h.gate;
        }
        return result;
      };
      return op;
    },
  };
  const holdNextLeaseWrite = () => {
    let open!: () => void;
    let entered!: () => void;
    const inFlight = new Promise<void>((r) => (entered = r));
    hold = { entered, gate: new Promise<void>((r) => (open = r)) };
    return { inFlight, open };
  };
  return { kv: wrapped, log, holdNextLeaseWrite };
}

async function leaseKeys(kv: KvLike): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix: leasesPrefix(["tlsync"]) })) n++;
  return n;
}

describe("room leases", () => {
  it("a release racing a renewal in flight still removes the key; nothing renews afterwards", {
    timeout: 30_000,
  }, async () => {
    const dir = tempDir();
    const raw = await openKv(dir.file("kv.sqlite3"));
    const { kv, log, holdNextLeaseWrite } = watched(raw);
    try {
      const provider = new KvStorageProvider(kv, { leaseTtlMs: 60 });
      const room = await provider.openRoom("race");
      const renewal = holdNextLeaseWrite(); // the next lease write is the first renewal
      await renewal.inFlight; // a renewal has rewritten the key; its result is not back yet
      const released = room.close();
      renewal.open();
      await released;
      log.released = true;
      assert.equal(await leaseKeys(raw), 0, "the release deleted what the renewal wrote");
      // Another room's lease cycle on the same KV: its renewals come and go, ours never return.
      const other = await provider.openRoom("other");
      await other.load();
      await other.commit(commit({ puts: [{ state: geoShape("shape:o"), lastChangedClock: 1 }] }));
      await other.close();
      assert.equal(await leaseKeys(raw), 0);
      assert.ok(log.expireIns.every((e) => e === 60 * LEASE_EXPIRE_TTLS), "writes expire in KV");
    } finally {
      raw.close();
      dir.remove();
    }
  });

  it("after many acquire/release cycles and dead servers, lease keys are bounded and swept", {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const kv = await openKv(dir.file("kv.sqlite3"));
    let now = 1_000_000;
    try {
      const live = new KvStorageProvider(kv, {
        leaseTtlMs: 60_000,
        ownerId: "live",
        now: () => now,
      });
      for (let cycle = 0; cycle < 10; cycle++) {
        const rooms = await Promise.all(
          Array.from({ length: 20 }, (_, i) => live.openRoom(`r${i}`)),
        );
        await Promise.all(rooms.map((r) => r.close()));
      }
      assert.equal(await leaseKeys(kv), 0, "released leases leave nothing");

      // 30 rooms held by a server that then died (never released), and 5 held by a live one.
      const dead = new KvStorageProvider(kv, {
        leaseTtlMs: 60_000,
        ownerId: "dead",
        now: () => now,
      });
      const orphaned = await Promise.all(
        Array.from({ length: 30 }, (_, i) => dead.openRoom(`d${i}`)),
      );
      now += 61_000 + 60_000; // past expiry and the sweep's grace
      const held = await Promise.all(Array.from({ length: 5 }, (_, i) => live.openRoom(`h${i}`)));
      assert.equal(await leaseKeys(kv), 35);

      // A bounded sweep: 10 keys read per pass, resuming where the last pass stopped.
      const sweeper = new LeaseSweeper(kv, leasesPrefix(["tlsync"]), {
        now: () => now,
        maxKeys: 10,
      });
      let deleted = 0;
      for (let pass = 0; pass < 10 && (await leaseKeys(kv)) > 5; pass++) {
        deleted += await sweeper.sweep();
      }
      assert.equal(deleted, 30);
      assert.equal(await leaseKeys(kv), 5, "live leases stay");
      assert.equal(await live.sweepLeases(), 0);
      // The live server still holds its rooms; the dead one's rooms can be taken.
      const taken = await live.openRoom("d0");
      await Promise.all([...held, taken].map((r) => r.close()));
      await Promise.all(orphaned.map((r) => r.close()));
      assert.equal(await leaseKeys(kv), 0);
    } finally {
      kv.close();
      dir.remove();
    }
  });
});
