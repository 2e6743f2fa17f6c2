// Admin error bodies never carry stack traces or backtraces: a storage error whose message holds
// a Rust backtrace (as `@deno/kv` errors do) becomes a generic 500 body, and only its first line
// reaches the log. Real HTTP and WebSockets; other rooms keep working.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openKv } from "../../src/runtime/open_kv.ts";
import type { Logger } from "../../src/ports/logger.ts";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import { encodeJson } from "../../src/storage/kv/kv_codec.ts";
import { RoomKeys } from "../../src/storage/kv/kv_keys.ts";
import type { KvLike } from "../../src/storage/kv/kv_like.ts";
import { KvStorageProvider } from "../../src/storage/kv/kv_storage_provider.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const BACKTRACE = "KvError: database disk image is malformed\n" +
  "stack backtrace:\n   0: std::backtrace_rs::backtrace::libunwind::trace\n" +
  "   1: denokv_sqlite::SqliteBackend::read_range\n    at /src/main.rs:42:7";

/** `kv` whose reads of room "broken" fail with a multi-line, backtrace-carrying error. */
function breaking(kv: KvLike): KvLike {
  const broken = (key: readonly unknown[]) => key.includes("broken");
  return {
    get: (k) => broken(k) ? Promise.reject(new Error(BACKTRACE)) : kv.get(k),
    list: (s, o) => {
      if (!broken(s.prefix)) return kv.list(s, o);
      return (async function* () {
        yield* [];
        throw new Error(BACKTRACE);
      })();
    },
    atomic: () => kv.atomic(),
    close: () => kv.close(),
  };
}

describe("admin error bodies", () => {
  it("a storage error with a backtrace gives a clean 500; the log gets its first line", async () => {
    const dir = tempDir();
    const logged: { event: string; data: Record<string, unknown> }[] = [];
    const record = (event: string, data?: Record<string, unknown>) =>
      logged.push({ event, data: data ?? {} });
    const logger: Logger = { debug: () => {}, info: () => {}, warn: record, error: record };
    const kv = await openKv(dir.file("kv"));
    await kv.atomic().set(new RoomKeys(["tlsync"], "broken").head(), encodeJson({})).commit();
    const storage = new KvStorageProvider(breaking(kv), { lease: false });
    const server = await serve({
      storage,
      logger,
      routes: [adminRoutes({ token: ADMIN_TOKEN, logger })],
    });
    try {
      const c = await connectRaw(`${server.ws}/connect/good?sessionId=a`);
      c.send({ type: "push", clientClock: 1, diff: { "shape:g": ["put", geoShape("shape:g")] } });
      await c.next((m) => m["type"] === "push_result", "push_result");

      const res = await fetch(`${server.http}/admin/rooms/broken`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const text = await res.text();
      assert.equal(res.status, 500);
      assert.deepEqual(JSON.parse(text), {
        error: "internal_error",
        message: "Internal error; see the server log",
      });
      assert.doesNotMatch(text, /backtrace|KvError|\\n|main\.rs/);
      const entry = logged.find((l) => l.event === "admin_error")!;
      assert.equal(entry.data["error"], "KvError: database disk image is malformed");

      // Other rooms and sessions are unaffected.
      const good = await admin(server, "GET", "/admin/rooms/good");
      assert.equal(good.status, 200);
      c.send({ type: "push", clientClock: 2, diff: { "shape:h": ["put", geoShape("shape:h")] } });
      const result = await c.next((m) => m["type"] === "push_result" && m["clientClock"] === 2);
      assert.equal(result["action"], "commit");
      c.close();
    } finally {
      await server.stop();
      dir.remove();
    }
  });

  it("a room another server holds is 409 room_held for an admin write, not a generic 500", async () => {
    const dir = tempDir();
    const kv = await openKv(dir.file("kv"));
    const lease = { owner: "other-server", expiresAt: Date.now() + 60_000 };
    await kv.atomic().set(new RoomKeys(["tlsync"], "held").lease(), encodeJson(lease)).commit();
    const storage = new KvStorageProvider(kv, { leaseWaitMs: 0, ownerId: "me" });
    const server = await serve({ storage, routes: [adminRoutes({ token: ADMIN_TOKEN })] });
    try {
      const replaced = await admin(server, "PUT", "/admin/rooms/held", {
        body: { clock: 1, documents: [{ state: geoShape("shape:x"), lastChangedClock: 1 }] },
      });

      assert.equal(replaced.status, 409, JSON.stringify(replaced.body));
      assert.equal(replaced.body["error"], "room_held");
      assert.match(String(replaced.body["message"]), /held by another server.*other-server/);
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});
