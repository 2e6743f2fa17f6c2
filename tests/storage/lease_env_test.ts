// TLSYNC_LEASE_MS: between a floor of 100 ms (a lease renewed every third of a lifetime near a KV
// write's latency would lose rooms to their own server) and a ceiling, each clamp warned.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { leaseEnv, MIN_LEASE_MS } from "../../src/app/default_server.ts";
import { captureLogger } from "../helpers/capture_logger.ts";

describe("lease env var", () => {
  it("TLSYNC_LEASE_MS: within [100 ms, 1 h]; below is raised and above clamped, each with a warning", () => {
    const of = (value: string | undefined) => {
      const logger = captureLogger();
      const ms = leaseEnv(logger, () => value);
      return [ms, logger.lines.filter((e) => e.event === "env_invalid").length];
    };

    assert.deepEqual(of(undefined), [undefined, 0]);
    assert.deepEqual(of("6000"), [6000, 0]);
    assert.deepEqual(of(String(MIN_LEASE_MS)), [MIN_LEASE_MS, 0]);
    assert.deepEqual(of(String(MIN_LEASE_MS - 1)), [MIN_LEASE_MS, 1]);
    assert.deepEqual(of("1"), [MIN_LEASE_MS, 1]);
    assert.deepEqual(of("3600001"), [3_600_000, 1]);
    assert.deepEqual(of("soon"), [undefined, 1]);
  });
});
