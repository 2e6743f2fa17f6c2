import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TimeSource } from "../../src/ports/time_source.ts";
import { unfurl, type UnfurlFetch } from "../../src/unfurl/unfurl.ts";

type Page = { status?: number; headers?: Record<string, string>; body?: BodyInit | null };

/** An offline fetch serving `pages` by URL, recording every URL fetched. */
function fakeFetch(pages: Record<string, Page>): { fetch: UnfurlFetch; fetched: string[] } {
  const fetched: string[] = [];
  return {
    fetched,
    fetch: (url: string, init: RequestInit): Promise<Response> => {
      fetched.push(url);
      assert.equal(init.redirect, "manual");
      const page = pages[url];
      if (!page) return Promise.reject(new TypeError(`connection refused: ${url}`));
      return Promise.resolve(
        new Response(page.body ?? null, { status: page.status ?? 200, headers: page.headers }),
      );
    },
  };
}

const HTML = { "content-type": "text/html; charset=utf-8" };

function redirect(to: string): Page {
  return { status: 302, headers: { location: to } };
}

describe("unfurl()", () => {
  it("follows up to 3 redirects and resolves URLs against the final page", async () => {
    const { fetch, fetched } = fakeFetch({
      "https://a.example/": redirect("https://b.example/1"),
      "https://b.example/1": redirect("/2"),
      "https://b.example/2": redirect("https://c.example/final/"),
      "https://c.example/final/": {
        headers: HTML,
        body: `<title>Final</title><meta property="og:image" content="og.png">`,
      },
    });

    const result = await unfurl("https://a.example/", { fetch });

    assert.deepEqual(result, {
      ok: true,
      metadata: {
        title: "Final",
        description: "",
        image: "https://c.example/final/og.png",
        favicon: "",
      },
    });
    assert.equal(fetched.length, 4);
  });

  it("gives up with 502 on a 4th redirect", async () => {
    const { fetch } = fakeFetch({
      "https://a.example/": redirect("/1"),
      "https://a.example/1": redirect("/2"),
      "https://a.example/2": redirect("/3"),
      "https://a.example/3": redirect("/4"),
      "https://a.example/4": { headers: HTML, body: "<title>too far</title>" },
    });

    const result = await unfurl("https://a.example/", { fetch });

    assert.deepEqual(result, {
      ok: false,
      status: 502,
      error: "Cannot fetch target: too many redirects",
    });
  });

  it("refuses with 400, without fetching, a redirect to a private address", async () => {
    const { fetch, fetched } = fakeFetch({
      "https://a.example/": redirect("http://169.254.169.254/latest/meta-data/"),
    });

    const result = await unfurl("https://a.example/", { fetch });

    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.status, 400);
    assert.deepEqual(fetched, ["https://a.example/"]);
  });

  it("answers 400 for an invalid or non-http URL and 502 for a failed fetch or error status", async () => {
    const { fetch } = fakeFetch({ "https://gone.example/": { status: 404, body: "no" } });

    const invalid = await unfurl("not a url", { fetch });
    const ftp = await unfurl("ftp://files.example/", { fetch });
    const refused = await unfurl("https://down.example/", { fetch });
    const missing = await unfurl("https://gone.example/", { fetch });

    assert.deepEqual([invalid, ftp].map((r) => !r.ok && r.status), [400, 400]);
    assert.deepEqual([refused, missing].map((r) => !r.ok && r.status), [502, 502]);
    assert.match(!missing.ok ? missing.error : "", /404/);
  });

  it("reads at most maxBytes of HTML", async () => {
    const padding = "<p>" + "x".repeat(2_000_000) + "</p>";
    const body = `<title>Early</title>${padding}<meta property="og:title" content="Late">`;
    const { fetch } = fakeFetch({ "https://big.example/": { headers: HTML, body } });

    const result = await unfurl("https://big.example/", { fetch, maxBytes: 1024 * 1024 });

    assert.equal(result.ok && result.metadata.title, "Early");
  });

  it("parses only text/html: an image URL unfurls to itself, JSON to empty fields", async () => {
    const { fetch } = fakeFetch({
      "https://x.example/cat.png": { headers: { "content-type": "image/png" }, body: "PNG" },
      "https://x.example/data": {
        headers: { "content-type": "application/json" },
        body: `{"a":"<title>not html</title>"}`,
      },
    });

    const image = await unfurl("https://x.example/cat.png", { fetch });
    const json = await unfurl("https://x.example/data", { fetch });

    assert.equal(image.ok && image.metadata.image, "https://x.example/cat.png");
    assert.deepEqual(json.ok && json.metadata, {
      title: "",
      description: "",
      image: "",
      favicon: "",
    });
  });

  it("decodes the page with its declared charset", async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode("<title>Caf"),
      0xe9,
      ...new TextEncoder().encode("</title>"),
    ]);
    const { fetch } = fakeFetch({
      "https://fr.example/": {
        headers: { "content-type": "text/html; charset=windows-1252" },
        body: bytes,
      },
    });

    const result = await unfurl("https://fr.example/", { fetch });

    assert.equal(result.ok && result.metadata.title, "Café");
  });

  it("answers 502 'timed out' when the injected clock fires before the page arrives", async () => {
    const timers: { fn: () => void; ms: number }[] = [];
    const time: TimeSource = {
      now: () => 0,
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => {},
    };
    let started!: () => void;
    const fetchStarted = new Promise<void>((r) => (started = r));
    const fetch: UnfurlFetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () =>
          reject(new DOMException("aborted", "AbortError")));
        started();
      });

    const pending = unfurl("https://slow.example/", { fetch, time, timeoutMs: 1234 });
    await fetchStarted;
    timers[0]!.fn();
    const result = await pending;

    assert.equal(timers[0]!.ms, 1234);
    assert.deepEqual(result, { ok: false, status: 502, error: "Cannot fetch target: timed out" });
  });
});
