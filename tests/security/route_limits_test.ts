import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryAssetStore } from "../../src/assets/memory_asset_store.ts";
import type { SyncServer } from "../../src/server/sync_server.ts";
import { AddressLimiter, MAX_TRACKED_ADDRESSES } from "../../src/server/routes/address_limiter.ts";
import { assetRoutes } from "../../src/server/routes/assets_route.ts";
import { unfurlRoute } from "../../src/server/routes/unfurl_route.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";

const NO_SERVER = undefined as unknown as SyncServer;
const addressOf = (req: Request) => req.headers.get("x-addr") ?? undefined;

async function call(
  route: ReturnType<typeof assetRoutes>,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const url = new URL(`http://sync.test${path}`);
  const res = await route(new Request(url, init), url, NO_SERVER);
  assert.ok(res, `${path} is answered`);
  return res;
}

function upload(addr: string): RequestInit {
  return {
    method: "PUT",
    body: new Uint8Array(10),
    headers: { "content-type": "image/png", "x-addr": addr },
  };
}

describe("per-address rate limits of the upload and unfurl routes", () => {
  it("uploads past an address's burst get 429 with Retry-After; other addresses and reads go on", async () => {
    const time = new FakeTime();
    const route = assetRoutes({
      store: new MemoryAssetStore(),
      rateLimit: { perMinute: 60, burst: 2 },
      clientAddress: addressOf,
      time,
    });

    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await call(route, `/uploads/r/a${i}`, upload("A"))).status);
    }
    const limited = await call(route, "/uploads/r/a9", upload("A"));
    const other = await call(route, "/uploads/r/b0", upload("B"));
    const read = await call(route, "/uploads/r/a0", { headers: { "x-addr": "A" } });
    time.tick(1_000); // One token back at 60 a minute.
    const later = await call(route, "/uploads/r/a3", upload("A"));

    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "1");
    assert.match((await limited.json()).error, /Too many requests/);
    assert.equal(other.status, 200);
    assert.equal(read.status, 200);
    assert.equal(later.status, 200);
  });

  it("unfurls past an address's burst get 429; past maxConcurrent in flight, 503", async () => {
    const time = new FakeTime();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const route = unfurlRoute({
      allowPrivate: true,
      time,
      maxConcurrent: 1,
      rateLimit: { perMinute: 60, burst: 2 },
      clientAddress: addressOf,
      fetch: async () => {
        await gate;
        return new Response("<title>T</title>", { headers: { "content-type": "text/html" } });
      },
    });
    const get = (addr: string) =>
      call(route, "/unfurl?url=https%3A%2F%2Fx.example%2F", { headers: { "x-addr": addr } });

    const first = get("A");
    const busy = await get("B");
    release();
    const done = await first;
    const third = await get("A");
    const fourth = await get("A");

    assert.equal(busy.status, 503);
    assert.equal(done.status, 200);
    assert.equal((await done.json()).title, "T");
    assert.equal(third.status, 200);
    assert.equal(fourth.status, 429);
  });

  it("remembers at most MAX_TRACKED_ADDRESSES addresses (the least recent is forgotten)", () => {
    const limiter = new AddressLimiter({ perMinute: 1, burst: 1 }, new FakeTime());
    assert.equal(limiter.take("first"), true);
    assert.equal(limiter.take("first"), false);
    for (let i = 0; i < MAX_TRACKED_ADDRESSES; i++) limiter.take(`addr-${i}`);
    assert.equal(limiter.take("first"), true, "a forgotten address starts with a full bucket");
    assert.equal(limiter.take(undefined), true, "unknown addresses are not limited");
  });
});
