import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AssetStore } from "../../src/assets/asset_store.ts";
import { KvAssetStore } from "../../src/assets/kv_asset_store.ts";
import { MemoryAssetStore } from "../../src/assets/memory_asset_store.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import { assetRoutes, type AssetRoutesOptions } from "../../src/server/routes/assets_route.ts";
import { bytesOf } from "../assets/asset_store_contract.ts";
import { openMemoryKv } from "../assets/kv_helpers.ts";
import { rawUpload, SpyStore, WatchedTime } from "../assets/upload_harness.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const IDLE_MS = 30_000;

async function withServer(
  routes: AssetRoutesOptions,
  fn: (port: number, http: string) => Promise<void>,
): Promise<void> {
  const server = await serve({
    routes: [assetRoutes({ uploadIdleTimeoutMs: IDLE_MS, ...routes })],
  });
  try {
    await fn(server.port, server.http);
  } finally {
    await server.stop();
  }
}

async function put(url: string, size: number) {
  const res = await fetch(url, {
    method: "PUT",
    body: bytesOf(size),
    headers: { "content-type": "image/png" },
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

describe("stalled and slow uploads", () => {
  it("four stalled chunked uploads hold no quota: an honest upload to the room still gets 200", async () => {
    const time = new WatchedTime();
    const store = new SpyStore(new MemoryAssetStore(), () => time.check());
    const limits = { maxBytes: 3_000, maxBytesPerRoom: 5_000 };
    await withServer({ store, time, ...limits }, async (port, http) => {
      const stalled = Array.from({ length: 4 }, (_, i) => rawUpload(port, `/uploads/victim/s${i}`));
      for (const upload of stalled) upload.send(bytesOf(100));
      await time.when(() => store.puts === 4 && time.pending === 4); // all four are being read

      const honest = await put(`${http}/uploads/victim/x`, 1_000);
      const usedWhileStalled = await store.quota.used("victim");
      time.tick(IDLE_MS);
      const cutOff = await Promise.all(stalled.map((u) => u.answer));

      assert.deepEqual(honest, { status: 200, body: { ok: true, id: "x" } });
      assert.equal(usedWhileStalled, 1_000);
      assert.deepEqual(
        cutOff.map((a) => [a.status, a.body.code]),
        Array(4).fill([408, "upload_timeout"]),
      );
      assert.equal(await store.quota.used("victim"), 1_000);
      assert.equal(await store.get("victim/s0"), undefined);
    });
  });

  it("an idle upload is cut off with 408 after the idle timeout and its reservation is freed (KV)", async () => {
    const kv = await openMemoryKv();
    const time = new WatchedTime();
    const store = new SpyStore(new KvAssetStore(kv, { now: () => time.now() }), () => time.check());
    try {
      await withServer({ store, time, maxBytesPerRoom: 1_000_000 }, async (port) => {
        const upload = rawUpload(port, "/uploads/r/slow.png");
        upload.send(bytesOf(300_000));
        await time.when(() => store.granted > 0 && time.pending === 1); // reserved, waiting again

        const held = await store.quota.used("r");
        time.tick(IDLE_MS - 1);
        const beforeIdle = time.pending;
        time.tick(1);
        const answer = await upload.answer;

        assert.ok(held >= 256 * 1024 && held <= 300_000, `held ${held}`);
        assert.equal(beforeIdle, 1, "not cut off before the idle timeout");
        assert.equal(answer.status, 408);
        assert.equal(answer.body.code, "upload_timeout");
        assert.match(String(answer.body.error), /no bytes arrived for 30000 ms/);
        assert.equal(await store.quota.used("r"), 0);
        assert.equal(await store.get("r/slow.png"), undefined);
      });
    } finally {
      kv.close();
    }
  });

  it("ten concurrent 1000-byte chunked uploads in a 5000-byte room: exactly five succeed, five get quota_exceeded", async () => {
    const kv = await openMemoryKv();
    try {
      const store = new KvAssetStore(kv);
      await withServer({ store, maxBytes: 3_000, maxBytesPerRoom: 5_000 }, async (port) => {
        const uploads = Array.from({ length: 10 }, (_, i) => rawUpload(port, `/uploads/r/${i}`));
        for (const upload of uploads) upload.send(bytesOf(1_000));
        for (const upload of uploads) upload.finish();
        const answers = await Promise.all(uploads.map((u) => u.answer));

        assert.equal(answers.filter((a) => a.status === 200).length, 5);
        const refused = answers.filter((a) => a.status === 413);
        assert.equal(refused.length, 5);
        assert.ok(refused.every((a) => a.body.code === "quota_exceeded"));
        assert.equal(await store.quota.used("r"), 5_000);
      });
    } finally {
      kv.close();
    }
  });

  it("five concurrent 1000-byte chunked uploads within a 5000-byte room all succeed", async () => {
    const kv = await openMemoryKv();
    try {
      const store = new KvAssetStore(kv);
      await withServer({ store, maxBytes: 3_000, maxBytesPerRoom: 5_000 }, async (port) => {
        const uploads = Array.from({ length: 5 }, (_, i) => rawUpload(port, `/uploads/r/${i}`));
        for (const upload of uploads) upload.send(bytesOf(1_000));
        for (const upload of uploads) upload.finish();
        const answers = await Promise.all(uploads.map((u) => u.answer));

        assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
        assert.equal(await store.quota.used("r"), 5_000);
      });
    } finally {
      kv.close();
    }
  });

  it("an empty upload gets 400 and stores nothing (a chunked one and one with Content-Length: 0)", async () => {
    const store = new MemoryAssetStore();
    await withServer({ store }, async (port, http) => {
      const chunked = rawUpload(port, "/uploads/r/empty1");
      chunked.finish();
      const declared = await put(`${http}/uploads/r/empty2`, 0);

      assert.equal((await chunked.answer).status, 400);
      assert.equal(declared.status, 400);
      assert.equal(await store.get("r/empty1"), undefined);
      assert.equal(await store.get("r/empty2"), undefined);
    });
  });
});

describe("upload quota holds across a crash", () => {
  it("a hold left on the KV file by a process that is gone blocks the room only until it expires", async () => {
    const dir = tempDir();
    const path = dir.file("assets.kv.sqlite3");
    const crashedTime = new WatchedTime();
    const first = await openKv(path);
    const crashed = new SpyStore(
      new KvAssetStore(first, { now: () => crashedTime.now() }),
      () => crashedTime.check(),
    );
    const second = await openKv(path);
    const restartedTime = new WatchedTime(crashedTime.now());
    const restarted: AssetStore = new KvAssetStore(second, { now: () => restartedTime.now() });
    const limits = { maxBytesPerRoom: 500_000, uploadTimeoutMs: 60_000 };
    try {
      await withServer({ store: crashed, time: crashedTime, ...limits }, async (port) => {
        // The first process reserves for a body and then never settles (it "died").
        const upload = rawUpload(port, "/uploads/r/lost.png");
        upload.send(bytesOf(300_000));
        await crashedTime.when(() => crashed.granted > 0);

        await withServer({ store: restarted, time: restartedTime, ...limits }, async (_, http) => {
          const blocked = await put(`${http}/uploads/r/a.png`, 250_000);
          restartedTime.tick(60 * 60_000); // an hour later: the hold has expired
          const after = await put(`${http}/uploads/r/b.png`, 250_000);

          assert.equal(blocked.status, 413);
          assert.equal(blocked.body.code, "quota_exceeded");
          assert.ok(Number(blocked.body.used) >= 256 * 1024);
          assert.deepEqual(after, { status: 200, body: { ok: true, id: "b.png" } });
          assert.equal(await restarted.quota!.used("r"), 250_000);
        });
        crashedTime.tick(IDLE_MS); // let the first server's upload end before it stops
        await upload.answer;
      });
    } finally {
      first.close();
      second.close();
      dir.remove();
    }
  });
});
