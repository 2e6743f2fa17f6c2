// End to end in a real browser: the example tldraw app (examples/tldraw-app) served with the sync
// server by examples/tldraw-app/serve.ts, opened by two users in headless Chromium.
//
//   deno test --allow-all tests/browser/
//   bun test --timeout 120000 tests/browser/
//
// Needs a Chromium: CHROMIUM_PATH or Debian's /usr/bin/chromium (`TLSYNC_INSTALL_BROWSER=1 npm test`
// installs it; `.ci/setup-extra` builds the app); skipped, with a line saying how, when absent. A screenshot goes to test-artifacts/two_tabs.png.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";
import { ensureBuilt } from "../../examples/tldraw-app/serve.ts";
import { freePort } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts");
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A 48×48 PNG: a blue square with an orange diagonal band, built here (no binary fixture). */
function makePng(size = 48): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Uint8Array): number => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, size);
  new DataView(ihdr.buffer).setUint32(4, size);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const raw = new Uint8Array(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * (1 + size * 3) + 1 + x * 3;
      raw.set(Math.abs(x - y) < 6 ? [255, 140, 0] : [40, 90, 220], i);
    }
  }
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array()),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    png.set(p, offset);
    offset += p.length;
  }
  return png;
}
const PNG_BASE64 = btoa(String.fromCharCode(...makePng()));

const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}. To run it: set CHROMIUM_PATH to a Chromium binary, or ` +
    "`TLSYNC_INSTALL_BROWSER=1 npm test` (installs Debian's chromium with apt-get, about 460 MB)";
// deno-lint-ignore no-console
if (skip) console.warn(`two_tabs_test: skipped, ${skip}`);

// --- the example server as a child process -------------------------------------------------------

interface ExampleServer {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function startExampleServer(
  port: number,
  dataPath: string,
): Promise<ExampleServer> {
  const args = isBun
    ? ["run", "examples/tldraw-app/serve.ts", "--no-build"]
    : ["run", "--allow-all", "examples/tldraw-app/serve.ts", "--no-build"];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      TLSYNC_DATA: dataPath,
      TLSYNC_LOG_LEVEL: "warn",
      NO_COLOR: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`example server did not start:\n${out}`);
    }
    await sleep(100);
  }
  return { url, output: () => out, stop };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Timed out after ${ms} ms: ${what}`)),
        ms,
      );
    }),
  ]);
}

// --- page helpers (the app exposes `window.editor`) ---------------------------------------------

// deno-lint-ignore no-explicit-any
type AppWindow = { editor?: any; tlsyncAssets?: any };

/** Resolve with `fn(arg)` in the page once it is truthy, polling for up to `ms`. */
async function until<A, R>(
  page: Page,
  what: string,
  fn: (arg: A) => R,
  arg: A,
  ms = 15_000,
): Promise<NonNullable<R>> {
  try {
    // deno-lint-ignore no-explicit-any
    const handle = await page.waitForFunction(fn as any, arg, {
      timeout: ms,
      polling: 100,
    });
    return (await handle.jsonValue()) as NonNullable<R>;
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message.split("\n")[0]}`);
  }
}

async function openRoom(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 30_000 });
  await waitForEditor(page);
}

function waitForEditor(page: Page): Promise<unknown> {
  return until(
    page,
    "the editor mounted (store synced)",
    () => {
      const w = globalThis as AppWindow;
      // deno-lint-ignore no-explicit-any
      const doc = (globalThis as any).document;
      return !!w.editor && !!doc.querySelector(".tl-canvas");
    },
    null,
    30_000,
  );
}

function shapeById(page: Page, id: string, ms = 15_000) {
  return until(
    page,
    `shape ${id} present`,
    (id: string) => {
      const shape = (globalThis as AppWindow).editor?.getShape(id);
      return shape ? { id: shape.id, type: shape.type, geo: shape.props?.geo } : null;
    },
    id,
    ms,
  );
}

// --- the test -----------------------------------------------------------------------------------

test(
  "two users in headless Chromium: shapes, cursors, persistence and uploads sync",
  {
    skip,
    timeout: 180_000,
  },
  async () => {
    await withTimeout(
      "building examples/tldraw-app",
      150_000,
      Promise.resolve(ensureBuilt()),
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = tempDir("tlsync-e2e-");
    const port = await freePort();
    const dataPath = dir.file("example.kv.sqlite3");
    const room = `e2e-${crypto.randomUUID().slice(0, 8)}`;
    let server: ExampleServer | undefined;
    let browser: Browser | undefined;
    let pageB: Page | undefined;
    const started = Date.now();
    const timings: string[] = [];
    const mark = (what: string) =>
      timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)}s`);
    try {
      server = await startExampleServer(port, dataPath);
      mark("server");
      const roomUrl = `${server.url}/?room=${room}`;
      // Playwright gives the browser a new empty --user-data-dir of its own.
      browser = await withTimeout(
        "launching chromium",
        30_000,
        chromium.launch({
          executablePath: CHROMIUM,
          headless: true,
          args: CHROMIUM_FLAGS,
        }),
      );
      // Two contexts = two users (tldraw hides a user's own presence from themselves).
      const viewport = { width: 1200, height: 800 };
      const pageA = await (await browser.newContext({ viewport })).newPage();
      pageB = await (await browser.newContext({ viewport })).newPage();
      const errors: string[] = [];
      for (const [name, page] of [["A", pageA], ["B", pageB]] as const) {
        page.on("pageerror", (e) => errors.push(`${name}: ${e.message}`));
      }
      mark("browser");
      await openRoom(pageA, roomUrl);
      mark("pageA");
      await openRoom(pageB, `${server.url}/r/${room}`); // the other URL form, same room
      mark("pages");
      assert.equal(
        await pageA.evaluate(() => location.search),
        `?room=${room}`,
        "room id kept in the URL",
      );

      // 1. Draw a rectangle in A with the keyboard and the mouse.
      await pageA.mouse.click(150, 650); // focus the canvas (empty space)
      await pageA.keyboard.press("r");
      await pageA.mouse.move(400, 250);
      await pageA.mouse.down();
      await pageA.mouse.move(500, 320, { steps: 5 });
      await pageA.mouse.move(620, 420, { steps: 5 });
      await pageA.mouse.up();
      const drawn = await until(pageA, "A has drawn a rectangle", () => {
        const shapes = (globalThis as AppWindow).editor?.getCurrentPageShapes() ?? [];
        // deno-lint-ignore no-explicit-any
        const geo = shapes.find((s: any) => s.type === "geo");
        return geo
          ? {
            id: geo.id as string,
            w: geo.props.w as number,
            h: geo.props.h as number,
          }
          : null;
      }, null);
      assert.ok(
        drawn.w > 100 && drawn.h > 100,
        `rectangle size ${drawn.w}×${drawn.h}`,
      );

      // 2. B sees it.
      const seen = await shapeById(pageB, drawn.id);
      mark("shape");
      assert.deepEqual(seen, { id: drawn.id, type: "geo", geo: "rectangle" });

      // 3. B sees A's cursor.
      const userA = await pageA.evaluate(() => {
        const user = (globalThis as AppWindow).editor.user;
        return (user.getRecordId?.() ?? user.getId()) as string;
      });
      await pageA.keyboard.press("Escape");
      for (let i = 0; i < 5; i++) {
        await pageA.mouse.move(700 + i * 20, 500, {
          steps: 3,
        });
      }
      const cursor = await until(
        pageB,
        "B sees A's presence with a cursor",
        (userA: string) => {
          const others = (globalThis as AppWindow).editor?.getCollaborators() ??
            [];
          // deno-lint-ignore no-explicit-any
          const a = others.find((p: any) => p.userId === userA && p.cursor);
          return a ? { x: a.cursor.x as number, y: a.cursor.y as number } : null;
        },
        userA,
      );
      assert.equal(typeof cursor.x, "number");
      mark("cursor");

      // 4. An image upload through the app's asset store (PUT /uploads/:roomId/:id), read back by URL.
      let uploadedSrc: string | undefined;
      const probe = await fetch(`${server.url}/uploads/probe-${room}`, {
        method: "OPTIONS",
      });
      await probe.body?.cancel();
      if (probe.status === 404) {
        // deno-lint-ignore no-console
        console.warn(
          "two_tabs_test: upload step skipped: the server has no /uploads routes",
        );
      } else {
        await pageA.evaluate(async (b64: string) => {
          const editor = (globalThis as AppWindow).editor;
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const file = new File([bytes], "dot.png", { type: "image/png" });
          await editor.putExternalContent({
            type: "files",
            files: [file],
            point: { x: 820, y: 220 },
          });
        }, PNG_BASE64);
        const src = await until(
          pageA,
          "A's image asset uploaded (src set)",
          () => {
            const assets = (globalThis as AppWindow).editor?.getAssets() ?? [];
            // deno-lint-ignore no-explicit-any
            const image = assets.find((a: any) => a.type === "image" && a.props.src);
            return image ? (image.props.src as string) : null;
          },
          null,
        );
        const result = await pageA.evaluate(
          async ([src, b64]: [string, string]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const res = await fetch(src);
            const got = new Uint8Array(await res.arrayBuffer());
            return {
              src,
              status: res.status,
              type: res.headers.get("content-type"),
              same: got.length === bytes.length &&
                got.every((v, i) => v === bytes[i]),
            };
          },
          [src, PNG_BASE64] as [string, string],
        );
        assert.match(result.src, new RegExp(`^/uploads/${room}/`));
        assert.equal(result.status, 200);
        assert.equal(result.type, "image/png");
        assert.equal(result.same, true, "GET returns the uploaded bytes");
        uploadedSrc = result.src;
        await until(pageB, "B sees the image shape", () => {
          const shapes = (globalThis as AppWindow).editor?.getCurrentPageShapes() ?? [];
          // deno-lint-ignore no-explicit-any
          return shapes.some((s: any) => s.type === "image");
        }, null);
        const shown = await until(
          pageB,
          "B displays the uploaded image",
          () => {
            // deno-lint-ignore no-explicit-any
            const imgs = [
              ...(globalThis as any).document.querySelectorAll("img.tl-image"),
            ];
            // deno-lint-ignore no-explicit-any
            const img = imgs.find((i: any) => i.complete && i.naturalWidth > 0);
            return img
              ? {
                src: img.getAttribute("src") as string,
                w: img.naturalWidth as number,
              }
              : null;
          },
          null,
        );
        assert.equal(
          shown.w,
          48,
          `B's <img src=${shown.src}> has the uploaded image's width`,
        );
      }
      await sleep(300); // let the image and cursor paint
      await pageB.screenshot({ path: join(ARTIFACTS, "two_tabs.png") });
      mark("upload");

      // 5. A reload of B, then a server restart and another reload: the document persisted.
      await pageB.reload({ waitUntil: "domcontentloaded", timeout: 30_000 });
      await waitForEditor(pageB);
      await shapeById(pageB, drawn.id, 5_000);

      await server.stop();
      mark("reload");
      server = await startExampleServer(port, dataPath);
      mark("restart");
      await pageB.reload({ waitUntil: "domcontentloaded", timeout: 30_000 });
      await waitForEditor(pageB);
      assert.deepEqual(
        await shapeById(pageB, drawn.id, 5_000),
        seen,
        "shape survived the restart",
      );
      if (uploadedSrc) {
        const after = await pageB.evaluate(async (src: string) => {
          const res = await fetch(src);
          return {
            status: res.status,
            size: (await res.arrayBuffer()).byteLength,
          };
        }, uploadedSrc);
        assert.deepEqual(
          after,
          { status: 200, size: atob(PNG_BASE64).length },
          "asset persisted",
        );
      }
      assert.deepEqual(errors, [], "no uncaught errors in the pages");
      mark("done");
      // deno-lint-ignore no-console
      console.log(`two_tabs_test: ${timings.join(", ")}`);
    } catch (error) {
      if (pageB) {
        await pageB.screenshot({
          path: join(ARTIFACTS, "two_tabs_failure.png"),
        }).catch(() => {});
      }
      if (server) {
        (error as Error).message += `\n--- server output ---\n${server.output()}`;
      }
      throw error;
    } finally {
      if (browser) {
        await withTimeout(
          "closing chromium",
          10_000,
          browser.close(),
        ).catch(() => {});
      }
      await server?.stop();
      dir.remove();
    }
  },
);
