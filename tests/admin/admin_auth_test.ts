// Admin API: authentication, routing and request errors, over real HTTP.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import { admin, ADMIN_TOKEN } from "../helpers/admin_fetch.ts";
import { serve } from "../helpers/serve.ts";

describe("admin API auth and errors", () => {
  it("answers 401 with WWW-Authenticate: Bearer without a token or with a wrong one", async () => {
    const server = await serve({ routes: [adminRoutes({ token: ADMIN_TOKEN })] });
    try {
      const none = await admin(server, "GET", "/admin/rooms", { token: null });
      const wrong = await admin(server, "GET", "/admin/rooms", { token: "nope" });
      const prefix = await admin(server, "GET", "/admin/rooms", { token: ADMIN_TOKEN + "x" });
      const ok = await admin(server, "GET", "/admin/rooms");

      for (const reply of [none, wrong, prefix]) {
        assert.equal(reply.status, 401);
        assert.match(reply.headers.get("www-authenticate") ?? "", /^Bearer/);
        assert.equal(reply.body["error"], "unauthorized");
      }
      assert.equal(ok.status, 200);
    } finally {
      await server.stop();
    }
  });

  it("adminRoutes() without a token is off: /admin paths fall through to 404", async () => {
    const server = await serve({ routes: [adminRoutes({ token: undefined })] });
    try {
      const res = await fetch(`${server.http}/admin/rooms`, {
        headers: { authorization: "Bearer anything" },
      });

      assert.equal(res.status, 404);
      await res.body?.cancel();
    } finally {
      await server.stop();
    }
  });

  it("unknown paths are 404, wrong methods 405 with Allow, bad room ids 400", async () => {
    const server = await serve({ routes: [adminRoutes({ token: ADMIN_TOKEN })] });
    try {
      const unknown = await admin(server, "GET", "/admin/nope");
      const method = await admin(server, "POST", "/admin/rooms");
      const badId = await admin(server, "GET", `/admin/rooms/${encodeURIComponent("bad id!")}`);

      assert.equal(unknown.status, 404);
      assert.equal(unknown.body["error"], "not_found");
      assert.equal(method.status, 405);
      assert.equal(method.headers.get("allow"), "GET");
      assert.equal(badId.status, 400);
      assert.equal(typeof badId.body["message"], "string");
    } finally {
      await server.stop();
    }
  });

  it("bad JSON is 400, an empty body 400, a body over the limit 413", async () => {
    const server = await serve({
      routes: [adminRoutes({ token: ADMIN_TOKEN, maxBodyBytes: 1000 })],
    });
    try {
      const bad = await admin(server, "PATCH", "/admin/rooms/r1", { rawBody: "{nope" });
      const empty = await admin(server, "PUT", "/admin/rooms/r1", { rawBody: " " });
      const big = await admin(server, "PUT", "/admin/rooms/r1", {
        body: { documents: [], pad: "x".repeat(2000) },
      });

      assert.equal(bad.status, 400);
      assert.equal(bad.body["error"], "invalid_json");
      assert.match(String(bad.body["message"]), /JSON/);
      assert.equal(empty.status, 400);
      assert.equal(big.status, 413);
      assert.equal(big.body["error"], "payload_too_large");
    } finally {
      await server.stop();
    }
  });

  it("a PATCH body that is not { put, remove } is 400 and names the problem", async () => {
    const server = await serve({ routes: [adminRoutes({ token: ADMIN_TOKEN })] });
    try {
      const wrongField = await admin(server, "PATCH", "/admin/rooms/r1", { body: { delete: [] } });
      const notRecords = await admin(server, "PATCH", "/admin/rooms/r1", { body: { put: [1] } });
      const notSnapshot = await admin(server, "PUT", "/admin/rooms/r1", { body: { x: 1 } });

      assert.equal(wrongField.status, 400);
      assert.match(String(wrongField.body["message"]), /delete/);
      assert.equal(notRecords.status, 400);
      assert.equal(notSnapshot.status, 400);
      assert.equal(notSnapshot.body["error"], "invalid_snapshot");
    } finally {
      await server.stop();
    }
  });
});
