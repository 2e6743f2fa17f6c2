import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KvAssetStore } from "../../src/assets/kv_asset_store.ts";
import { MemoryAssetStore } from "../../src/assets/memory_asset_store.ts";
import { openKv } from "../../src/runtime/open_kv.ts";
import type { AssetAccess } from "../../src/server/routes/asset_authorize.ts";
import { assetRoutes, type AssetRoutesOptions } from "../../src/server/routes/assets_route.ts";
import type { SyncServerOptions } from "../../src/server/server_options.ts";
import { bytesOf, streamOfChunks } from "../assets/asset_store_contract.ts";
import { openMemoryKv } from "../assets/kv_helpers.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";

async function withServer(
  routes: AssetRoutesOptions,
  fn: (http: string) => Promise<void>,
  sync: SyncServerOptions = {},
): Promise<void> {
  const server = await serve({ ...sync, routes: [assetRoutes(routes)] });
  try {
    await fn(server.http);
  } finally {
    await server.stop();
  }
}

async function put(url: string, size: number, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "PUT",
    body: bytesOf(size),
    headers: { "content-type": "image/png", ...headers },
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

async function status(url: string): Promise<number> {
  const res = await fetch(url);
  await res.body?.cancel();
  return res.status;
}

describe("upload auth hook", () => {
  it("gets the room, asset id and action; 403/401 refusals store nothing", async () => {
    const seen: AssetAccess[] = [];
    const authorize = (req: Request, access: AssetAccess) => {
      seen.push(access);
      if (req.headers.get("x-token") === "ok") return true;
      return req.headers.get("x-token") ? false : { deny: 401 as const, reason: "Log in" };
    };
    await withServer({ store: new MemoryAssetStore(), authorize }, async (http) => {
      const anonymous = await put(`${http}/uploads/room1/a.png`, 10);
      const wrong = await put(`${http}/uploads/room1/a.png`, 10, { "x-token": "bad" });
      const missing = await status(`${http}/uploads/room1/a.png`);
      const good = await put(`${http}/uploads/room1/a.png`, 10, { "x-token": "ok" });

      assert.deepEqual(anonymous, { status: 401, body: { error: "Log in" } });
      assert.deepEqual(wrong, { status: 403, body: { error: "Forbidden" } });
      assert.equal(missing, 401); // Reads go through the hook too (no token here).
      assert.equal(good.status, 200);
      assert.deepEqual(seen[0], {
        action: "write",
        roomId: "room1",
        assetId: "a.png",
        storeId: "room1/a.png",
      });
      assert.deepEqual(seen[2]?.action, "read");
    });
  });

  it("defaults to the sync server's authorize for writes; reads stay open", async () => {
    const store = new MemoryAssetStore();
    const sync: SyncServerOptions = { authorize: (_req, roomId) => roomId === "open" };
    await withServer({ store }, async (http) => {
      const allowed = await put(`${http}/uploads/open/x.png`, 10);
      const refused = await put(`${http}/uploads/closed/x.png`, 10);
      const legacy = await put(`${http}/uploads/x.png`, 10);

      assert.equal(allowed.status, 200);
      assert.equal(refused.status, 403);
      assert.equal(legacy.status, 403);
      assert.match(String(legacy.body.error), /roomId/);
      assert.equal(await status(`${http}/uploads/open/x.png`), 200);
      assert.equal(await store.get("closed/x.png"), undefined);
    }, sync);
  });

  it("a throwing hook refuses with 403", async () => {
    const authorize = () => {
      throw new Error("auth backend down");
    };
    await withServer({ store: new MemoryAssetStore(), authorize }, async (http) => {
      assert.equal((await put(`${http}/uploads/r/a.png`, 10)).status, 403);
    });
  });
});

describe("per-room upload quota", () => {
  it("413 quota_exceeded past the room's bytes; other rooms and /uploads/:id have their own", async () => {
    const store = new MemoryAssetStore();
    await withServer({ store, maxBytesPerRoom: 1_000 }, async (http) => {
      const first = await put(`${http}/uploads/r1/a.png`, 600);
      const second = await put(`${http}/uploads/r1/b.png`, 600);
      const exact = await put(`${http}/uploads/r1/c.png`, 400);
      const otherRoom = await put(`${http}/uploads/r2/a.png`, 600);
      const legacy = await put(`${http}/uploads/a.png`, 600);

      assert.equal(first.status, 200);
      assert.equal(second.status, 413);
      assert.equal(second.body.code, "quota_exceeded");
      assert.deepEqual([second.body.used, second.body.limit], [600, 1_000]);
      assert.match(String(second.body.error), /room "r1"/);
      assert.equal(exact.status, 200);
      assert.equal(otherRoom.status, 200);
      assert.equal(legacy.status, 200);
      assert.equal(await status(`${http}/uploads/r1/b.png`), 404);
      assert.equal(await store.quota.used("r1"), 1_000);
      assert.equal(await store.quota.used(""), 600);
    });
  });

  it("a streamed upload (no length) is cut at what the room has left, and releases it all", async () => {
    const store = new MemoryAssetStore();
    await withServer({ store, maxBytesPerRoom: 1_000 }, async (http) => {
      await put(`${http}/uploads/r/a.png`, 600);
      const res = await fetch(`${http}/uploads/r/b.png`, {
        method: "PUT",
        body: streamOfChunks(bytesOf(500), 100),
        headers: { "content-type": "image/png" },
        duplex: "half",
      } as RequestInit);

      assert.equal(res.status, 413);
      assert.equal((await res.json()).code, "quota_exceeded");
      assert.equal(await store.quota.used("r"), 600);
      assert.equal((await put(`${http}/uploads/r/c.png`, 400)).status, 200);
    });
  });

  it("refused and failed uploads give their reservation back (409, 413 over maxBytes)", async () => {
    const store = new MemoryAssetStore();
    await withServer({ store, maxBytes: 500, maxBytesPerRoom: 10_000 }, async (http) => {
      await put(`${http}/uploads/r/a.png`, 100);
      const again = await put(`${http}/uploads/r/a.png`, 100);
      const big = await fetch(`${http}/uploads/r/b.png`, {
        method: "PUT",
        body: streamOfChunks(bytesOf(900), 100),
        headers: { "content-type": "image/png" },
        duplex: "half",
      } as RequestInit);
      await big.body?.cancel();

      assert.equal(again.status, 409);
      assert.equal(big.status, 413);
      assert.equal(await store.quota.used("r"), 100);
    });
  });

  it("concurrent uploads cannot both squeeze under the cap (KV ledger)", async () => {
    const kv = await openMemoryKv();
    try {
      const store = new KvAssetStore(kv);
      await withServer({ store, maxBytesPerRoom: 1_000 }, async (http) => {
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => put(`${http}/uploads/r/${i}.png`, 300)),
        );
        const ok = results.filter((r) => r.status === 200).length;

        assert.equal(ok, 3);
        assert.equal(results.filter((r) => r.status === 413).length, 3);
        assert.equal(await store.quota.used("r"), 900);
      });
    } finally {
      kv.close();
    }
  });

  it("the KV ledger survives a restart on the same file", async () => {
    const dir = tempDir();
    try {
      const path = dir.file("assets.kv.sqlite3");
      const first = await openKv(path);
      await withServer({ store: new KvAssetStore(first), maxBytesPerRoom: 1_000 }, async (http) => {
        assert.equal((await put(`${http}/uploads/r/a.png`, 700)).status, 200);
      });
      first.close();
      const second = await openKv(path);
      const store = new KvAssetStore(second);
      assert.equal(await store.sweepOrphans(0), 0, "the orphan sweep leaves quota keys alone");
      assert.equal(await store.quota.used("r"), 700);
      await withServer({ store, maxBytesPerRoom: 1_000 }, async (http) => {
        const over = await put(`${http}/uploads/r/b.png`, 700);
        assert.equal(over.status, 413);
        assert.equal(over.body.used, 700);
        assert.equal(await status(`${http}/uploads/r/a.png`), 200);
      });
      second.close();
    } finally {
      dir.remove();
    }
  });
});
