// The operator console at /admin/ in real headless Chromium, against a real server on 127.0.0.1
// with two official TLSyncClients connected in this process:
//
//   CHROMIUM_PATH=... deno test --allow-all tests/browser/admin_console_test.ts
//   CHROMIUM_PATH=... bun test --timeout 120000 tests/browser/admin_console_test.ts
//
// Skipped, with a line saying how to run it, when there is no Chromium (like two_tabs_test).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import type { TLRecord } from "@tldraw/tlschema";
import type { Browser, Page } from "playwright-core";
import { adminRoutes } from "../../src/server/admin/admin_routes.ts";
import type { AuthorizeResult } from "../../src/server/authorize.ts";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { chromiumSkip, launchChromium, withTimeout } from "../helpers/chromium.ts";
import { waitFor } from "../helpers/memory_client.ts";
import { connectWsClient, type WsClient } from "../helpers/official_ws_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve, type Served } from "../helpers/serve.ts";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const TOKEN = "console-test-token-0123456789";
const ROOM = "console-room";
/** A user name that is markup: the page must show it as text. */
const HOSTILE = `<img src=x id=pwned onerror="document.title='pwned'">`;

// deno-lint-ignore no-console
if (chromiumSkip) console.warn(`admin_console_test: skipped, ${chromiumSkip}`);

/** `?user=` and `?name=` become the session's identity. */
function identity(req: Request): AuthorizeResult {
  const url = new URL(req.url);
  const user = url.searchParams.get("user");
  return user ? { userId: user, userName: url.searchParams.get("name") ?? user } : true;
}

interface Fixture {
  server: Served;
  browser: Browser;
  page: Page;
  alice: WsClient;
  bob: WsClient;
  /** Console errors and uncaught exceptions of the page (CSP violations show up here). */
  pageErrors: string[];
  stop(): Promise<void>;
}

async function start(): Promise<Fixture> {
  const storage = new MemoryStorageProvider();
  const server = await serve({
    storage,
    authorize: identity,
    routes: [adminRoutes({ token: TOKEN })],
  });
  const uri = `${server.ws}/connect/${ROOM}`;
  const alice = connectWsClient(`${uri}?user=alice&name=Alice`, "s-alice");
  const bob = connectWsClient(`${uri}?user=bob&name=${encodeURIComponent(HOSTILE)}`, "s-bob");
  let browser: Browser | undefined;
  try {
    await withTimeout("clients loaded", 15_000, Promise.all([alice.loaded, bob.loaded]));
    browser = await launchChromium();
    const page = await (await browser.newContext()).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
    });
    const opened = browser;
    return {
      server,
      browser: opened,
      page,
      alice,
      bob,
      pageErrors,
      stop: async () => {
        await withTimeout("closing chromium", 10_000, opened.close()).catch(() => {});
        alice.close();
        bob.close();
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    alice.close();
    bob.close();
    await server.stop();
    throw error;
  }
}

function text(page: Page, selector: string): Promise<string> {
  return page.locator(selector).first().innerText({ timeout: 15_000 });
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.fill("#token", token);
  await page.click("#signin");
}

/** The x of a shape in a client's store, `undefined` when it has no such record. */
function xOf(client: WsClient, id: string): number | undefined {
  const record = client.store.get(id as TLRecord["id"]) as { x?: number } | undefined;
  return record?.x;
}

function put(client: WsClient, record: unknown): void {
  client.store.put([record as unknown as TLRecord]);
}

describe("operator console in headless Chromium", { skip: chromiumSkip }, () => {
  it("token, rooms, sessions, live chart, records, export, close a session, delete a room", async () => {
    const f = await start();
    try {
      const { page, alice, bob, server } = f;
      put(alice, geoShape("shape:first", 0, 0));
      await waitFor(() => bob.store.has("shape:first" as never), "bob sees shape:first");

      // 1. Without a token the page shows the sign-in form and no data.
      await page.goto(`${server.http}/admin/`, { waitUntil: "load", timeout: 30_000 });
      assert.equal(await page.isVisible("#login"), true);
      assert.equal(await page.isVisible("#app"), false);
      assert.equal(await page.locator("#rooms-table tbody tr").count(), 0);
      const anonymous = await page.evaluate(async () => (await fetch("/admin/rooms")).status);
      assert.equal(anonymous, 401, "the API gives nothing without the token");

      // 2. A wrong token: a clear message, still no data, nothing kept.
      await signIn(page, "not-the-token");
      await page.locator("#login-error", { hasText: "Wrong token" }).waitFor({ timeout: 15_000 });
      assert.equal(await page.isVisible("#app"), false);
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);

      // 3. The right token: rooms, then the room's two sessions with their identities.
      await signIn(page, TOKEN);
      await page.waitForSelector(`#rooms-table tr[data-room="${ROOM}"]`, { timeout: 15_000 });
      assert.equal(await page.isVisible("#login"), false);
      const row = await text(page, `#rooms-table tr[data-room="${ROOM}"]`);
      assert.match(row, /live/);
      await page.click(`#rooms-table tr[data-room="${ROOM}"] button`);
      await page.waitForSelector('#sessions-table tr[data-session="s-bob"]', { timeout: 15_000 });
      await page.waitForSelector('#sessions-table tr[data-session="s-alice"]', { timeout: 15_000 });
      const cells = (id: string) =>
        page.$$eval(
          `#sessions-table tr[data-session="${id}"] td`,
          (tds) => tds.map((td) => td.textContent),
        );
      const aliceRow = await cells("s-alice");
      const bobRow = await cells("s-bob");
      assert.deepEqual(aliceRow.slice(0, 5), ["s-alice", "user:alice", "Alice", "no", "127.0.0.1"]);
      assert.equal(aliceRow[8], "live");
      assert.equal(bobRow[2], HOSTILE, "a hostile user name is shown as text");
      assert.equal(await page.locator("#pwned, #sessions-table img").count(), 0, "not as markup");
      assert.notEqual(await page.title(), "pwned");

      // 4. Edits while the page watches: totals count them, the chart draws lines.
      for (let i = 1; i <= 6; i++) {
        put(alice, geoShape(`shape:edit${i}`, i * 10, 0));
        await waitFor(() => bob.store.has(`shape:edit${i}` as never), `bob sees edit ${i}`);
      }
      await page.locator("#chart-rates polyline.s-pushes").waitFor({
        state: "attached",
        timeout: 30_000,
      });
      await page.locator("#chart-latency polyline.s-p50, #chart-latency circle.s-p50")
        .first().waitFor({ state: "attached", timeout: 30_000 });
      const pushes = await page.$eval('[data-stat="Pushes acknowledged"]', (e) => e.textContent);
      assert.ok(Number(pushes) >= 7, `pushes acknowledged: ${pushes}`);
      assert.match(await text(page, "#rates-now"), /pushes\/s [0-9.]+ · commits\/s/);

      // 5. Records: type counts and the record table of the room now.
      await page.click("#records");
      await page.waitForSelector('#records-table tr[data-record="shape:edit6"]', {
        timeout: 15_000,
      });
      const shapes = await page.$eval(
        '#type-counts tr[data-type="shape"] td.num',
        (e) => e.textContent,
      );
      assert.equal(shapes, "7");
      assert.match(await text(page, "#preview-title"), new RegExp(`Room ${ROOM} now: \\d+ record`));

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "admin_console.png"), fullPage: true });

      // 6. Export downloads the snapshot the API gives.
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
      assert.equal(download.suggestedFilename(), `room-${ROOM}.json`);
      const exported = JSON.parse(readFileSync((await download.path())!, "utf8"));
      const ids = exported.documents.map((d: { state: { id: string } }) => d.state.id);
      assert.ok(ids.includes("shape:edit6") && ids.includes("shape:first"));

      // 7. Close bob's session from the page: his socket closes and his client reconnects.
      const reconnects = await connectionsTotal(server);
      await page.click('#sessions-table tr[data-session="s-bob"] button');
      await page.locator("#status", { hasText: "Closed session s-bob" }).waitFor({
        timeout: 15_000,
      });
      await waitForAsync(
        async () => (await connectionsTotal(server)) > reconnects,
        "bob reconnects",
      );

      // 8. Delete a second, stored room with confirmation: it leaves the list and the storage.
      const doomed = connectWsClient(`${server.ws}/connect/doomed?user=carol`, "s-carol");
      await doomed.loaded;
      put(doomed, geoShape("shape:doomed"));
      await waitForAsync(async () => (await storage(server)).includes("doomed"), "doomed stored");
      await page.click("#refresh");
      await page.click('#rooms-table tr[data-room="doomed"] button');
      await page.click("#delete-room");
      assert.match(await text(page, "#confirm-text"), /Delete room doomed/);
      await page.click("#confirm-yes");
      await page.waitForSelector('#rooms-table tr[data-room="doomed"]', {
        state: "detached",
        timeout: 15_000,
      });
      assert.equal((await storage(server)).includes("doomed"), false);
      doomed.close();

      // 9. Signing out forgets the token and the data on the page.
      await page.click("#signout");
      assert.equal(await page.isVisible("#login"), true);
      assert.equal(
        await page.locator("#rooms-table tbody tr, #sessions-table tbody tr").count(),
        0,
      );
      assert.equal(
        await page.evaluate(() => sessionStorage.length),
        0,
      );
      // The two 401s are the anonymous fetch (1) and the wrong token (2); nothing else.
      const unexpected = f.pageErrors.filter((e) => !/status of 401 \(Unauthorized\)/.test(e));
      assert.deepEqual(unexpected, [], "no CSP violation or script error");
      assert.equal(f.pageErrors.length, 2);
    } finally {
      await f.stop();
    }
  });

  it("restores the room to an earlier point from the page; connected clients see it, and it undoes", async () => {
    const f = await start();
    try {
      const { page, alice, bob, server } = f;
      const room = () => server.handler.server.registry.get(ROOM)!;
      put(alice, geoShape("shape:first", 0, 0));
      await waitFor(() => bob.store.has("shape:first" as never), "bob sees shape:first");
      await waitFor(() => room().getRecord("shape:first") !== undefined, "server has shape:first");
      const good = room().getDocumentClock();
      put(alice, geoShape("shape:first", 500, 0)); // the vandal moves it ...
      put(alice, geoShape("shape:vandal", 9, 9)); // ... and adds junk
      await waitFor(() => bob.store.has("shape:vandal" as never), "bob sees the vandal's shape");
      await waitFor(() => room().getRecord("shape:vandal") !== undefined, "server has it");
      const vandalised = room().getDocumentClock();
      assert.ok(vandalised > good);

      await page.goto(`${server.http}/admin/`, { waitUntil: "load", timeout: 30_000 });
      await signIn(page, TOKEN);
      await page.click(`#rooms-table tr[data-room="${ROOM}"] button`);
      await page.click("#show-history");
      const goodRow = `#history-table tr[data-clock="${good}"]`;
      await page.waitForSelector(goodRow, { timeout: 15_000 });
      await page.waitForSelector(`#history-table tr[data-clock="${vandalised}"]`);

      // Preview the good point: the record table of the room as it was.
      await page.click(`${goodRow} button:text("Preview")`);
      await page.locator("#preview-title", { hasText: `at clock ${good}` }).waitFor({
        timeout: 15_000,
      });
      assert.equal(await page.locator('#records-table tr[data-record="shape:first"]').count(), 1);
      assert.equal(await page.locator('#records-table tr[data-record="shape:vandal"]').count(), 0);

      // Restore it, confirmed: both connected clients' stores change without a reload.
      await page.click(`${goodRow} button:text("Restore")`);
      assert.match(
        await text(page, "#confirm-text"),
        new RegExp(`Restore room ${ROOM} to clock ${good}`),
      );
      await page.click("#confirm-yes");
      await page.locator("#status", { hasText: `from clock ${good}` }).waitFor({ timeout: 15_000 });
      for (const [name, client] of [["alice", alice], ["bob", bob]] as const) {
        await waitFor(
          () =>
            !client.store.has("shape:vandal" as never) &&
            xOf(client, "shape:first") === 0,
          `${name}'s store restored`,
          15_000,
        );
      }
      const restored = room().getDocumentClock();
      assert.ok(restored > vandalised, "the restore is a new commit");
      assert.match(await text(page, "#status"), new RegExp(`new clock ${restored}`));

      // The restore is itself a restore point; restoring the vandalised point undoes it.
      await page.waitForSelector(`#history-table tr[data-clock="${restored}"]`, {
        timeout: 15_000,
      });
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "admin_console_history.png"), fullPage: true });
      await page.click(`#history-table tr[data-clock="${vandalised}"] button:text("Restore")`);
      await page.click("#confirm-yes");
      await waitFor(() => bob.store.has("shape:vandal" as never), "bob sees the undo", 15_000);
      assert.equal(xOf(bob, "shape:first"), 500);
      assert.deepEqual(f.pageErrors, [], "no CSP violation or script error");
    } finally {
      await f.stop();
    }
  });
});

async function connectionsTotal(server: Served): Promise<number> {
  const res = await fetch(`${server.http}/admin/stats`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await res.json()) as { connectionsTotal: number }).connectionsTotal;
}

async function storage(server: Served): Promise<string[]> {
  const res = await fetch(`${server.http}/admin/rooms`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await res.json()) as { stored: string[] }).stored;
}

async function waitForAsync(
  check: () => Promise<boolean>,
  what: string,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
