import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseMetadata } from "../../src/unfurl/parse_metadata.ts";

const OPEN_GRAPH_PAGE = `<!doctype html>
<html><head>
  <meta charset="utf-8">
  <title>Fallback title</title>
  <meta property="og:title" content="Tom &amp; Jerry&#39;s &quot;Show&quot;">
  <meta property='og:description' content='A cat, a mouse &#x2014; chaos.'>
  <meta name="description" content="plain description">
  <meta property="og:image" content="/images/card.png?size=large&amp;v=2">
  <link rel="stylesheet" href="/style.css">
  <link rel="shortcut icon" href="favicon.ico">
</head><body><p>Hi</p></body></html>`;

describe("parseMetadata()", () => {
  it("prefers Open Graph, decodes entities and resolves relative URLs against the page", () => {
    const meta = parseMetadata(OPEN_GRAPH_PAGE, "https://cartoons.example/shows/tj/index.html");

    assert.deepEqual(meta, {
      title: `Tom & Jerry's "Show"`,
      description: "A cat, a mouse — chaos.",
      image: "https://cartoons.example/images/card.png?size=large&v=2",
      favicon: "https://cartoons.example/shows/tj/favicon.ico",
    });
  });

  it("falls back to <title>, meta description and apple-touch-icon, collapsing whitespace", () => {
    const html = `<html><head><TITLE>
        Plain   page
      </TITLE>
      <META NAME="Description" CONTENT="Just a page">
      <link href="/touch.png" rel="apple-touch-icon"></head></html>`;

    const meta = parseMetadata(html, "http://plain.example/a/b");

    assert.deepEqual(meta, {
      title: "Plain page",
      description: "Just a page",
      image: "",
      favicon: "http://plain.example/touch.png",
    });
  });

  it("uses twitter: tags and <base href> when present", () => {
    const html = `<head><base href="https://cdn.example/assets/">
      <meta name="twitter:title" content="Tweeted">
      <meta name="twitter:image" content="t.jpg">
      <link rel=icon href=i.svg></head>`;

    const meta = parseMetadata(html, "https://site.example/post/1");

    assert.equal(meta.title, "Tweeted");
    assert.equal(meta.image, "https://cdn.example/assets/t.jpg");
    assert.equal(meta.favicon, "https://cdn.example/assets/i.svg");
  });

  it("ignores tags inside comments and scripts, and non-http(s) URLs", () => {
    const html = `<head>
      <!-- <meta property="og:title" content="commented out"> -->
      <script>const s = '<meta property="og:description" content="from script">';</script>
      <meta property="og:image" content="javascript:alert(1)">
      <link rel="icon" href="data:image/png;base64,AAAA">
      <title>Real</title></head>`;

    const meta = parseMetadata(html, "https://x.example/");

    assert.deepEqual(meta, { title: "Real", description: "", image: "", favicon: "" });
  });

  it("returns empty fields for a page without metadata", () => {
    assert.deepEqual(parseMetadata("<p>nothing here", "https://x.example/"), {
      title: "",
      description: "",
      image: "",
      favicon: "",
    });
  });
});
