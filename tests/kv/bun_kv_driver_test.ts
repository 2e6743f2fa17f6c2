// TLSYNC_BUN_KV: which KV driver Bun's default server opens for a file (sqlite by default,
// deno-kv on request); an unknown or hostile value is logged (capped) and the default used. Both
// drivers open the same file.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { BUN_KV_ENV, bunKvDriverFromEnv } from "../../src/app/default_server.ts";
import { openDefaultBackends } from "../../src/app/default_backends.ts";
import { BunKvDriver, kvPackingOf, openKv } from "../../src/runtime/open_kv.ts";
import { SqliteKv } from "../../src/runtime/bun/sqlite_kv.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const dir = tempDir("tlsync-bunkv-");
after(() => dir.remove());

describe("TLSYNC_BUN_KV", () => {
  it("parses sqlite and deno-kv; unset or empty is the default", () => {
    const logger = captureLogger();
    assert.equal(bunKvDriverFromEnv(undefined, logger), undefined);
    assert.equal(bunKvDriverFromEnv(" ", logger), undefined);
    assert.equal(bunKvDriverFromEnv("sqlite", logger), BunKvDriver.sqlite);
    assert.equal(bunKvDriverFromEnv(" Deno-KV ", logger), BunKvDriver.denoKv);
    assert.deepEqual(logger.lines, []);
  });

  it("an unknown or hostile value logs one capped warning and uses the default", () => {
    const logger = captureLogger();
    assert.equal(bunKvDriverFromEnv("x".repeat(100_000), logger), undefined);
    assert.equal(logger.lines.length, 1);
    const line = logger.lines[0]!;
    assert.equal(line.event, "env_invalid");
    assert.equal(line.fields.name, BUN_KV_ENV);
    assert.equal(String(line.fields.value).length, 40);
  });

  it(
    "on Bun the default backends open with either driver; openKv picks SqliteKv unless deno-kv is asked for",
    { skip: !isBun },
    async () => {
      for (const driver of [undefined, BunKvDriver.denoKv]) {
        const path = dir.file(`backends-${driver ?? "default"}.sqlite3`);
        const b = await openDefaultBackends(path, { logger: captureLogger(), bunKvDriver: driver });
        await b.storage.close?.();
        const kv = await openKv(path, { bunDriver: driver });
        assert.equal(kv instanceof SqliteKv, driver === undefined);
        assert.equal(kvPackingOf(kv).maxChecksPerAtomic, driver === undefined ? 100 : 10);
        kv.close();
      }
    },
  );
});
