import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_HOST, DEFAULT_PORT, parseHost, parsePort } from "../../src/app/listen_address.ts";

describe("HOST and PORT", () => {
  it("default to 127.0.0.1:8787 when unset or empty", () => {
    assert.equal(parseHost(undefined), DEFAULT_HOST);
    assert.equal(parseHost(""), "127.0.0.1");
    assert.equal(parsePort(undefined), DEFAULT_PORT);
    assert.equal(parsePort(""), 8787);
  });

  it("take any port from 0 to 65535 and refuse the rest with one line", () => {
    assert.equal(parsePort("0"), 0);
    assert.equal(parsePort("65535"), 65535);
    for (const bad of ["65536", "-1", "80a", "1e3", " 80", "123456"]) {
      assert.throws(() => parsePort(bad), /^Error: PORT must be an integer from 0 to 65535/);
    }
  });

  it("take a host name or address up to 253 characters", () => {
    assert.equal(parseHost("0.0.0.0"), "0.0.0.0");
    assert.equal(parseHost("::1"), "::1");
    assert.equal(parseHost("a".repeat(253)), "a".repeat(253));
    for (const bad of ["a".repeat(254), "local host", "http://x"]) {
      assert.throws(() => parseHost(bad), /^Error: HOST must be a host name or IP address/);
    }
  });
});
