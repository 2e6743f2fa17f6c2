// Audit F3: environment values the default server used to take silently. The Origin allow-list
// fails closed with one line naming the variable; on/off switches accept the usual spellings
// and warn `env_invalid` on anything else; an unknown log level warns; short operator tokens warn.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clusterDefault } from "../../src/app/default_server.ts";
import { EnvError } from "../../src/app/env_error.ts";
import { envSwitch } from "../../src/app/env_switch.ts";
import { historyFromEnv } from "../../src/app/history_env.ts";
import { loggerFromEnv } from "../../src/app/log_level_env.ts";
import {
  allowedOriginsFrom,
  MAX_ORIGINS_ENV_CHARS,
  originOptionsFromEnv,
} from "../../src/app/origin_env.ts";
import { MIN_TOKEN_CHARS, tokenFromEnv } from "../../src/app/token_env.ts";
import type { LogLevel } from "../../src/log/json_logger.ts";
import { captureLogger } from "../helpers/capture_logger.ts";

function read(vars: Record<string, string>): (name: string) => string | undefined {
  return (name) => vars[name];
}

/** The EnvError `fn` throws (fails when it throws nothing or something else). */
function envErrorOf(fn: () => unknown): EnvError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof EnvError, String(error));
    return error;
  }
  assert.fail("no EnvError thrown");
}

describe("TLSYNC_ALLOWED_ORIGINS", () => {
  it("allowedOriginsFrom() keeps every listed origin, unset or blank means any origin", () => {
    assert.deepEqual(allowedOriginsFrom(" https://a.example , http://b.example:8080,"), [
      "https://a.example",
      "http://b.example:8080",
    ]);
    assert.equal(allowedOriginsFrom(undefined), undefined);
    assert.equal(allowedOriginsFrom(""), undefined);
    assert.equal(allowedOriginsFrom("   "), undefined);
  });

  it("allowedOriginsFrom() refuses a value over 8192 characters instead of cutting it", () => {
    const filler = "https://x.example,".repeat(Math.ceil(MAX_ORIGINS_ENV_CHARS / 18));
    const raw = `${filler}https://app.example.com`;

    const error = envErrorOf(() => allowedOriginsFrom(raw));

    assert.equal(error.variable, "TLSYNC_ALLOWED_ORIGINS");
    assert.match(error.message, /^invalid TLSYNC_ALLOWED_ORIGINS: \d+ characters, over the limit/);
  });

  it("allowedOriginsFrom() takes a list of exactly 8192 characters whole", () => {
    const last = "https://app.example.com";
    const head = "https://x.example,".repeat(
      Math.floor((MAX_ORIGINS_ENV_CHARS - last.length) / 18),
    );
    const raw = `${head}${last}`.padStart(MAX_ORIGINS_ENV_CHARS, " ");

    const list = allowedOriginsFrom(raw);

    assert.equal(raw.length, MAX_ORIGINS_ENV_CHARS);
    assert.equal(list?.at(-1), last);
  });

  it("allowedOriginsFrom() refuses a set value that names no origin (it would allow any)", () => {
    for (const raw of [" , ", ",", ",,,"]) {
      const error = envErrorOf(() => allowedOriginsFrom(raw));
      assert.match(error.message, /names no origin; unset it to allow any origin$/, raw);
    }
  });

  it("allowedOriginsFrom() refuses a malformed entry with one line naming it", () => {
    for (const bad of ["app.example.com", "ftp://files.example", "null", "https://"]) {
      const error = envErrorOf(() => allowedOriginsFrom(`https://ok.example,${bad}`));
      assert.ok(error.message.includes(JSON.stringify(bad)), error.message);
      assert.match(error.message, /^invalid TLSYNC_ALLOWED_ORIGINS: .* is not an http\(s\) origin/);
    }
  });

  it("a line break in a bad entry stays escaped: the message is one line", () => {
    const error = envErrorOf(() => allowedOriginsFrom("bad\nentry"));

    assert.doesNotMatch(error.message, /\n/);
  });

  it("originOptionsFromEnv() throws the EnvError for a bad list", () => {
    assert.throws(
      () => originOptionsFromEnv(captureLogger(), read({ TLSYNC_ALLOWED_ORIGINS: " , " })),
      EnvError,
    );
  });
});

describe("on/off switches", () => {
  it("envSwitch() accepts 1/true/on/yes and 0/false/off/no in any case, without a warning", () => {
    const logger = captureLogger();
    for (const on of ["1", "true", "ON", " Yes "]) {
      assert.equal(envSwitch("X", on, false, logger), true);
    }
    for (const off of ["0", "FALSE", "off", " no "]) {
      assert.equal(envSwitch("X", off, true, logger), false);
    }
    assert.equal(logger.lines.length, 0);
  });

  it("envSwitch() keeps the default for unset or empty values, silently", () => {
    const logger = captureLogger();

    assert.equal(envSwitch("X", undefined, true, logger), true);
    assert.equal(envSwitch("X", "  ", false, logger), false);
    assert.equal(logger.lines.length, 0);
  });

  it("envSwitch() keeps the default for anything else and warns env_invalid", () => {
    const logger = captureLogger();

    const value = envSwitch("TLSYNC_TRUST_PROXY", "enabled", false, logger);

    assert.equal(value, false);
    assert.deepEqual(logger.lines.map((l) => [l.level, l.event, l.fields]), [
      ["warn", "env_invalid", { name: "TLSYNC_TRUST_PROXY", value: "enabled", using: "off" }],
    ]);
  });

  it("TLSYNC_TRUST_PROXY=yes and TLSYNC_LIMIT_LOCALHOST=on turn both on", () => {
    const logger = captureLogger();

    const options = originOptionsFromEnv(
      logger,
      read({ TLSYNC_TRUST_PROXY: "yes", TLSYNC_LIMIT_LOCALHOST: "on" }),
    );

    assert.deepEqual(options, { trustProxy: true, limitLocalhost: true });
    assert.equal(logger.lines.length, 0);
  });

  it("TLSYNC_TRUST_PROXY / TLSYNC_LIMIT_LOCALHOST junk stays off with one env_invalid each", () => {
    const logger = captureLogger();

    const options = originOptionsFromEnv(
      logger,
      read({ TLSYNC_TRUST_PROXY: "y", TLSYNC_LIMIT_LOCALHOST: "2" }),
    );

    assert.deepEqual(options, {});
    assert.deepEqual(
      logger.lines.map((l) => [l.event, l.fields["name"], l.fields["using"]]),
      [
        ["env_invalid", "TLSYNC_TRUST_PROXY", "off"],
        ["env_invalid", "TLSYNC_LIMIT_LOCALHOST", "off"],
      ],
    );
  });

  it("TLSYNC_CLUSTER and TLSYNC_HISTORY read the same spellings and warn on others", () => {
    const logger = captureLogger();

    assert.equal(clusterDefault("./kv", "no", logger), false);
    assert.equal(clusterDefault("./kv", "sometimes", logger), true);
    assert.equal(historyFromEnv(logger, read({ TLSYNC_HISTORY: "OFF" })).enabled, false);
    assert.equal(historyFromEnv(logger, read({ TLSYNC_HISTORY: "maybe" })).enabled, true);
    assert.deepEqual(
      logger.lines.map((l) => [l.event, l.fields["name"], l.fields["using"]]),
      [["env_invalid", "TLSYNC_CLUSTER", "on"], ["env_invalid", "TLSYNC_HISTORY", "on"]],
    );
  });
});

describe("TLSYNC_LOG_LEVEL", () => {
  function levelOf(raw: string | undefined): { level: LogLevel; warnings: unknown[] } {
    const logger = captureLogger();
    let level: LogLevel | undefined;
    loggerFromEnv(read(raw === undefined ? {} : { TLSYNC_LOG_LEVEL: raw }), (l) => {
      level = l;
      return logger;
    });
    return { level: level!, warnings: logger.lines.map((l) => [l.event, l.fields]) };
  }

  it("takes each level in any case; unset or empty is info; none warns", () => {
    assert.deepEqual(levelOf("debug"), { level: "debug", warnings: [] });
    assert.deepEqual(levelOf(" WARN "), { level: "warn", warnings: [] });
    assert.deepEqual(levelOf("silent"), { level: "silent", warnings: [] });
    assert.deepEqual(levelOf(undefined), { level: "info", warnings: [] });
    assert.deepEqual(levelOf(""), { level: "info", warnings: [] });
  });

  it("an unknown level is info with an env_invalid warning", () => {
    assert.deepEqual(levelOf("verbose"), {
      level: "info",
      warnings: [["env_invalid", { name: "TLSYNC_LOG_LEVEL", value: "verbose", using: "info" }]],
    });
    assert.equal(levelOf("constructor").level, "info");
  });
});

describe("operator tokens", () => {
  it(`tokenFromEnv() warns token_too_short below ${MIN_TOKEN_CHARS} characters, never logging it`, () => {
    const logger = captureLogger();
    const short = "s3cret";

    const token = tokenFromEnv("TLSYNC_ADMIN_TOKEN", logger, read({ TLSYNC_ADMIN_TOKEN: short }));

    assert.equal(token, short);
    assert.equal(logger.lines.length, 1);
    assert.equal(logger.lines[0]!.event, "token_too_short");
    assert.equal(logger.lines[0]!.fields["name"], "TLSYNC_ADMIN_TOKEN");
    assert.doesNotMatch(JSON.stringify(logger.lines), new RegExp(short));
  });

  it("tokenFromEnv() is silent for a long token and for none", () => {
    const logger = captureLogger();
    const long = "x".repeat(MIN_TOKEN_CHARS);

    assert.equal(tokenFromEnv("T", logger, read({ T: long })), long);
    assert.equal(tokenFromEnv("T", logger, read({ T: "" })), undefined);
    assert.equal(tokenFromEnv("T", logger, read({})), undefined);
    assert.equal(logger.lines.length, 0);
  });
});
