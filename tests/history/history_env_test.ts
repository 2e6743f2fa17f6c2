// The history env vars of the default server: defaults, values, off switch, caps and garbage.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { historyFromEnv } from "../../src/app/history_env.ts";
import { HISTORY_POLICY_CEILINGS, resolveHistoryPolicy } from "../../src/storage/history_policy.ts";
import { captureLogger } from "../helpers/capture_logger.ts";

function read(vars: Record<string, string>): (name: string) => string | undefined {
  return (name) => vars[name];
}

describe("history env vars", () => {
  it("history is on by default with the default policy", () => {
    const logger = captureLogger();
    const env = historyFromEnv(logger, read({}));
    assert.deepEqual(env, { enabled: true, policy: {} });
    assert.deepEqual(resolveHistoryPolicy(env.policy).fullMs, 24 * 3_600_000);
    assert.equal(logger.lines.length, 0);
  });

  it("reads hours, days, bytes and views; TLSYNC_HISTORY=0 turns it off", () => {
    const env = historyFromEnv(
      captureLogger(),
      read({
        TLSYNC_HISTORY: "0",
        TLSYNC_HISTORY_FULL_HOURS: "6",
        TLSYNC_HISTORY_DAYS: "7",
        TLSYNC_HISTORY_MAX_BYTES: "1048576",
        TLSYNC_HISTORY_MAX_VIEWS: "3",
      }),
    );
    assert.deepEqual(env, {
      enabled: false,
      policy: { fullMs: 6 * 3_600_000, retentionMs: 7 * 86_400_000, maxBytes: 1_048_576 },
      maxViews: 3,
    });
  });

  it("TLSYNC_HISTORY_RESOLUTION_MS: default 1 s, 0 keeps every commit, clamped to an hour, garbage ignored", () => {
    const of = (value: string) => {
      const logger = captureLogger();
      const env = historyFromEnv(logger, read({ TLSYNC_HISTORY_RESOLUTION_MS: value }));
      return [resolveHistoryPolicy(env.policy).resolutionMs, logger.lines.length];
    };

    assert.deepEqual(of(""), [1000, 0]);
    assert.deepEqual(of("0"), [0, 0]);
    assert.deepEqual(of("250"), [250, 0]);
    assert.deepEqual(of("99999999"), [3_600_000, 1]);
    assert.deepEqual(of("-1"), [1000, 1]);
    assert.deepEqual(of("1s"), [1000, 1]);
  });

  it("garbage keeps the default, values over a ceiling are clamped, both warn env_invalid", () => {
    const logger = captureLogger();
    const env = historyFromEnv(
      logger,
      read({
        TLSYNC_HISTORY: "maybe",
        TLSYNC_HISTORY_FULL_HOURS: "-3",
        TLSYNC_HISTORY_DAYS: "99999",
        TLSYNC_HISTORY_MAX_BYTES: "1e9",
        TLSYNC_HISTORY_MAX_VIEWS: "100000",
      }),
    );
    assert.equal(env.enabled, true);
    assert.deepEqual(env.policy, { retentionMs: HISTORY_POLICY_CEILINGS.retentionMs });
    assert.equal(env.maxViews, 1000);
    const names = logger.lines.filter((l) => l.event === "env_invalid").map((l) =>
      l.fields?.["name"]
    );
    assert.deepEqual(names.sort(), [
      "TLSYNC_HISTORY",
      "TLSYNC_HISTORY_DAYS",
      "TLSYNC_HISTORY_FULL_HOURS",
      "TLSYNC_HISTORY_MAX_BYTES",
      "TLSYNC_HISTORY_MAX_VIEWS",
    ]);
  });

  it("the policy keeps full <= hourly <= retention and clamps to the ceilings", () => {
    const p = resolveHistoryPolicy({ fullMs: 10 * 86_400_000, retentionMs: 2 * 86_400_000 });
    assert.equal(p.fullMs, 2 * 86_400_000);
    assert.equal(p.hourlyMs, 2 * 86_400_000);
    assert.equal(
      resolveHistoryPolicy({ maxBytes: 1e15 }).maxBytes,
      HISTORY_POLICY_CEILINGS.maxBytes,
    );
    assert.equal(resolveHistoryPolicy({ maxBytes: -1 }).maxBytes, 64 * 1024 * 1024);
  });
});
