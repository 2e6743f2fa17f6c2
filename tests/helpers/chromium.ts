// Test-only: find and launch the headless Chromium the browser tests use (CHROMIUM_PATH, else
// Debian's /usr/bin/chromium; .ci/setup-extra provides one), or say why the test is skipped.
import { existsSync } from "node:fs";
import process from "node:process";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM: string = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** `false` when Chromium is there, else the reason to skip (the same rule as two_tabs_test). */
export const chromiumSkip: false | string = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}. To run it: set CHROMIUM_PATH to a Chromium binary, or ` +
    "`TLSYNC_INSTALL_BROWSER=1 npm test` (installs Debian's chromium with apt-get, about 460 MB)";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return withTimeout(
    "launching chromium",
    30_000,
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS }),
  );
}

export function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}
