import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AssetStore } from "../../src/assets/asset_store.ts";
import { KvAssetStore } from "../../src/assets/kv_asset_store.ts";
import { MemoryAssetStore } from "../../src/assets/memory_asset_store.ts";
import { assetRoutes } from "../../src/server/routes/assets_route.ts";
import { serve } from "../helpers/serve.ts";
import { bytesOf, streamOfChunks } from "./asset_store_contract.ts";
import { openMemoryKv } from "./kv_helpers.ts";

async function withServer(
  fn: (http: string) => Promise<void>,
  options: { store?: AssetStore; maxBytes?: number } = {},
): Promise<void> {
  const server = await serve({
    routes: [
      assetRoutes({ store: options.store ?? new MemoryAssetStore(), maxBytes: options.maxBytes }),
    ],
  });
  try {
    await fn(server.http);
  } finally {
    await server.stop();
  }
}

function put(url: string, body: BodyInit, type: string, method = "PUT"): Promise<Response> {
  return fetch(url, { method, body, headers: { "content-type": type } });
}

describe("assetRoutes over a real socket", () => {
  it("a 300 KB image uploaded to the KV store downloads byte-identical with the cache and safety headers", async () => {
    const kv = await openMemoryKv();
    try {
      await withServer(async (http) => {
        const image = bytesOf(300_000);

        const up = await put(`${http}/uploads/cat-1.png`, image, "image/png");
        const down = await fetch(`${http}/uploads/cat-1.png`);

        assert.equal(up.status, 200);
        assert.deepEqual(await up.json(), { ok: true, id: "cat-1.png" });
        assert.equal(down.status, 200);
        assert.deepEqual(new Uint8Array(await down.arrayBuffer()), image);
        assert.equal(down.headers.get("content-type"), "image/png");
        assert.equal(down.headers.get("content-length"), "300000");
        assert.equal(down.headers.get("cache-control"), "public, max-age=31536000, immutable");
        assert.equal(
          down.headers.get("content-security-policy"),
          "default-src 'none'; form-action 'none'; sandbox",
        );
        assert.equal(down.headers.get("x-content-type-options"), "nosniff");
        assert.equal(down.headers.get("accept-ranges"), "bytes");
        assert.equal(down.headers.get("access-control-allow-origin"), "*");
      }, { store: new KvAssetStore(kv) });
    } finally {
      kv.close();
    }
  });

  it("POST uploads too, and a second upload to the same id gets 409", async () => {
    await withServer(async (http) => {
      const first = await put(`${http}/uploads/a`, bytesOf(10), "image/jpeg", "POST");
      await first.body?.cancel();

      const second = await put(`${http}/uploads/a`, bytesOf(20), "image/jpeg");

      assert.equal(first.status, 200);
      assert.equal(second.status, 409);
      assert.match((await second.json()).error, /already exists/);
    });
  });

  it("a text/plain upload gets 415 and is not stored", async () => {
    await withServer(async (http) => {
      const res = await put(`${http}/uploads/t`, "hello", "text/plain");
      const after = await fetch(`${http}/uploads/t`);

      assert.equal(res.status, 415);
      assert.ok("error" in (await res.json()));
      assert.equal(after.status, 404);
      await after.body?.cancel();
    });
  });

  it("an upload over the size limit gets 413, with or without a content-length", async () => {
    await withServer(async (http) => {
      const sized = await put(`${http}/uploads/big1`, bytesOf(5_000), "image/png");
      const streamed = await fetch(`${http}/uploads/big2`, {
        method: "PUT",
        body: streamOfChunks(bytesOf(5_000), 1_000),
        headers: { "content-type": "video/mp4" },
        duplex: "half",
      } as RequestInit);
      const after = await fetch(`${http}/uploads/big2`);

      assert.equal(sized.status, 413);
      assert.ok("error" in (await sized.json()));
      assert.equal(streamed.status, 413);
      await streamed.body?.cancel();
      assert.equal(after.status, 404);
      await after.body?.cancel();
    }, { maxBytes: 4_000 });
  });

  it("an id outside the allowed characters gets 400", async () => {
    await withServer(async (http) => {
      const res = await put(
        `${http}/uploads/${encodeURIComponent("a/../b")}`,
        bytesOf(3),
        "image/png",
      );

      assert.equal(res.status, 400);
      await res.body?.cancel();
    });
  });

  it("Range: bytes=a-b answers 206 with Content-Range; a suffix range gives the tail", async () => {
    await withServer(async (http) => {
      const bytes = bytesOf(1_000);
      await (await put(`${http}/uploads/r.png`, bytes, "image/png")).body?.cancel();

      const mid = await fetch(`${http}/uploads/r.png`, { headers: { range: "bytes=100-199" } });
      const tail = await fetch(`${http}/uploads/r.png`, { headers: { range: "bytes=-10" } });

      assert.equal(mid.status, 206);
      assert.equal(mid.headers.get("content-range"), "bytes 100-199/1000");
      assert.equal(mid.headers.get("content-length"), "100");
      assert.deepEqual(new Uint8Array(await mid.arrayBuffer()), bytes.slice(100, 200));
      assert.equal(tail.status, 206);
      assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), bytes.slice(990));
    });
  });

  it("an unsatisfiable range gets 416 with Content-Range: bytes */size", async () => {
    await withServer(async (http) => {
      await (await put(`${http}/uploads/r.png`, bytesOf(1_000), "image/png")).body?.cancel();

      const res = await fetch(`${http}/uploads/r.png`, { headers: { range: "bytes=1000-" } });

      assert.equal(res.status, 416);
      assert.equal(res.headers.get("content-range"), "bytes */1000");
      await res.body?.cancel();
    });
  });

  it("HEAD answers the headers and length without a body; an unknown id is 404", async () => {
    await withServer(async (http) => {
      await (await put(`${http}/uploads/h.webp`, bytesOf(4_321), "image/webp")).body?.cancel();

      const head = await fetch(`${http}/uploads/h.webp`, { method: "HEAD" });
      const missing = await fetch(`${http}/uploads/nope.png`);

      assert.equal(head.status, 200);
      assert.equal(head.headers.get("content-length"), "4321");
      assert.equal(head.headers.get("content-type"), "image/webp");
      assert.equal((await head.arrayBuffer()).byteLength, 0);
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), { error: "Not found" });
    });
  });

  it("an OPTIONS preflight from another origin is allowed", async () => {
    await withServer(async (http) => {
      const res = await fetch(`${http}/uploads/x.png`, {
        method: "OPTIONS",
        headers: {
          origin: "http://app.example",
          "access-control-request-method": "PUT",
          "access-control-request-headers": "content-type",
        },
      });

      assert.equal(res.status, 204);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.match(res.headers.get("access-control-allow-methods") ?? "", /PUT/);
      assert.match(res.headers.get("access-control-allow-headers") ?? "", /content-type/i);
      await res.body?.cancel();
    });
  });

  it("paths outside /uploads/ still reach the sync routes", async () => {
    await withServer(async (http) => {
      const res = await fetch(`${http}/health`);

      assert.equal(res.status, 200);
      assert.equal((await res.json()).ok, true);
    });
  });
});
