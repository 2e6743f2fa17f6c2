// The checkpoint thresholds: one home with defaults and ceilings, as options and as env vars
// (a value over its ceiling is clamped with a warning, a non-integer ignored with a warning).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkpointEnv } from "../../src/app/default_server.ts";
import {
  CHECKPOINT_POLICY_CEILINGS,
  DEFAULT_CHECKPOINT_POLICY,
  resolveCheckpointPolicy,
} from "../../src/storage/kv/kv_checkpoint_policy.ts";
import { captureLogger } from "../helpers/capture_logger.ts";

describe("KV checkpoint policy", () => {
  it("options fall back to the defaults and are clamped to [1, ceiling]", () => {
    assert.deepEqual(resolveCheckpointPolicy(), DEFAULT_CHECKPOINT_POLICY);
    assert.deepEqual(
      resolveCheckpointPolicy({ maxEntries: 0, maxBytes: 1e12, maxAgeMs: Number.NaN }),
      {
        maxEntries: 1,
        maxBytes: CHECKPOINT_POLICY_CEILINGS.maxBytes,
        maxAgeMs: DEFAULT_CHECKPOINT_POLICY.maxAgeMs,
      },
    );
  });

  it("env vars set them; over the ceiling is clamped, garbage ignored, each with a warning", () => {
    const logger = captureLogger();
    const env: Record<string, string> = {
      TLSYNC_KV_CHECKPOINT_ENTRIES: "10",
      TLSYNC_KV_CHECKPOINT_BYTES: String(CHECKPOINT_POLICY_CEILINGS.maxBytes + 1),
      TLSYNC_KV_CHECKPOINT_MS: "soon",
    };
    const policy = checkpointEnv(logger, (name) => env[name]);
    assert.deepEqual(policy, { maxEntries: 10, maxBytes: CHECKPOINT_POLICY_CEILINGS.maxBytes });
    const warned = logger.lines.filter((e) => e.event === "env_invalid").map((e) =>
      e.fields["name"]
    );
    assert.deepEqual(warned.sort(), ["TLSYNC_KV_CHECKPOINT_BYTES", "TLSYNC_KV_CHECKPOINT_MS"]);
    assert.deepEqual(checkpointEnv(logger, () => undefined), {});
  });
});
