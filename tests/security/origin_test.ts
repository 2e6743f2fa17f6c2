import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalizeOrigin, OriginCheck } from "../../src/server/origin_check.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { serve } from "../helpers/serve.ts";
import { openTcpWs, type TcpWsClient } from "../helpers/tcp_ws_client.ts";
import { handshake } from "./_security_helpers.ts";

describe("Origin allow-list", () => {
  it("an upgrade from another origin gets 403; allowed and absent origins connect and sync", async () => {
    const logger = captureLogger();
    const server = await serve({ logger, allowedOrigins: ["https://app.example.com"] });
    const open: TcpWsClient[] = [];
    try {
      const evil = await openTcpWs(server.port, "/connect/r?sessionId=e", {
        Origin: "https://evil.example",
      });
      assert.equal(evil.status, 403);
      evil.destroy();
      const warn = await logger.waitFor((l) => l.event === "origin_refused", "refusal log");
      assert.equal(warn.fields["origin"], "https://evil.example");
      // Same origin written differently: default port, upper-case host.
      const app = await openTcpWs(server.port, "/connect/r?sessionId=app", {
        Origin: "https://APP.example.com:443",
      });
      open.push(app);
      assert.equal(app.status, 101);
      await handshake(app);
      const noOrigin = await openTcpWs(server.port, "/connect/r?sessionId=cli");
      open.push(noOrigin);
      await handshake(noOrigin);
      const nullOrigin = await openTcpWs(server.port, "/connect/r?sessionId=n", { Origin: "null" });
      assert.equal(nullOrigin.status, 403);
      nullOrigin.destroy();
    } finally {
      for (const c of open) c.destroy();
      await server.stop();
    }
  });

  it("without allowedOrigins every origin is accepted (as before)", async () => {
    const server = await serve();
    try {
      const any = await openTcpWs(server.port, "/connect/r?sessionId=x", {
        Origin: "https://anywhere.example",
      });
      assert.equal(any.status, 101);
      await handshake(any);
      any.destroy();
      const raw = await connectRaw(`${server.ws}/connect/r?sessionId=y`);
      raw.close();
    } finally {
      await server.stop();
    }
  });

  it("normalises origins with the URL parser and refuses non-http(s) or over-long ones", () => {
    assert.equal(normalizeOrigin("HTTPS://Example.COM:443/path"), "https://example.com");
    assert.equal(normalizeOrigin("http://example.com:8080"), "http://example.com:8080");
    assert.equal(normalizeOrigin("null"), null);
    assert.equal(normalizeOrigin("file:///etc/passwd"), null);
    assert.throws(() => new OriginCheck(["not an origin"]), TypeError);
    const check = new OriginCheck(["https://example.com"]);
    assert.equal(check.allows(null), true);
    assert.equal(check.allows("https://example.com"), true);
    assert.equal(check.allows(`https://example.com/${"a".repeat(5000)}`), false);
  });
});
