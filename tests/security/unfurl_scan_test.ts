import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cleanText, decodeEntities } from "../../src/unfurl/decode_entities.ts";
import { type Attributes, MAX_ATTRIBUTES, scanHtml } from "../../src/unfurl/html_scan.ts";
import { MAX_METADATA_CHARS, parseMetadata } from "../../src/unfurl/parse_metadata.ts";
import { hostilePages } from "../helpers/hostile_pages.ts";

const MIB = 1024 * 1024;
const PAGES = hostilePages(MIB);
const EMPTY = { title: "", description: "", image: "", favicon: "" };

/** Scan with a visitor that records meta/link tags; returns the stats and the tag count. */
function scan(html: string): { steps: number; complete: boolean; tags: number } {
  let tags = 0;
  const stats = scanHtml(html, { tags: new Set(["meta", "link"]), startTag: () => void tags++ });
  return { ...stats, tags };
}

describe("unfurl HTML scanner on 1 MiB hostile pages", () => {
  const expected: Record<string, (meta: ReturnType<typeof parseMetadata>) => void> = {
    "meta-repeated": (m) => assert.deepEqual(m, EMPTY),
    "meta-content-unterminated": (m) => assert.deepEqual(m, EMPTY),
    "comment-open-repeated": (m) => assert.deepEqual(m, { ...EMPTY, title: "before" }),
    "title-unclosed-then-lt": (m) =>
      assert.deepEqual(m, { ...EMPTY, title: "<".repeat(MAX_METADATA_CHARS) }),
    "many-attributes": (m) => assert.deepEqual(m, { ...EMPTY, title: "first attrs win" }),
    "entity-storm": (m) => {
      assert.equal(m.description.length, MAX_METADATA_CHARS);
      assert.ok(m.description.startsWith("\uFFFDA&#\uFFFDA&#"), m.description.slice(0, 20));
    },
    "deep-nesting": (m) => assert.deepEqual(m, { ...EMPTY, title: "deep" }),
    "script-unterminated": (m) => assert.deepEqual(m, { ...EMPTY, title: "T" }),
  };
  for (const [name, html] of Object.entries(PAGES)) {
    it(`${name}: bounded metadata, every scanner step advances the cursor`, () => {
      assert.equal(html.length, MIB);
      const stats = scan(html);
      assert.equal(stats.complete, true);
      assert.ok(stats.steps <= html.length, `${stats.steps} steps for ${html.length} chars`);
      expected[name]!(parseMetadata(html, "https://hostile.example/"));
    });
  }

  it("keeps at most MAX_ATTRIBUTES attributes of a tag with 100k of them", () => {
    let kept: Attributes | undefined;
    scanHtml(PAGES["many-attributes"]!, {
      tags: new Set(["meta"]),
      startTag: (_name, attrs) => void (kept = attrs),
    });
    assert.equal(kept?.size, MAX_ATTRIBUTES);
    assert.equal(kept?.get("content"), "first attrs win");
  });

  it("stops at the deadline of an injected clock and returns what it found before", () => {
    let clock = 0;
    const html = '<meta property="og:title" content="early">' + "<p a=b>".repeat(200_000) +
      '<meta property="og:description" content="late">';
    const now = () => clock++; // Every reading moves the clock by 1 ms.

    const stats = scanHtml(html, { tags: new Set(), startTag() {} }, { deadline: 10, now });
    const meta = parseMetadata(html, "https://x.example/", { deadline: clock + 10, now });

    assert.equal(stats.complete, false);
    assert.ok(stats.steps < html.length / 10, `stopped after ${stats.steps} steps`);
    assert.deepEqual(meta, { ...EMPTY, title: "early" });
  });

  it("tolerates the same tags in any case, `<!-->` comments and `>` inside quoted values", () => {
    const html = `<!--><TITLE>A</TITLE><!---><Meta Property="og:description" content="x > y">
      <link rel="ICON" href="/i.png"><!-- <meta name=description content=hidden> -->`;
    assert.deepEqual(parseMetadata(html, "https://x.example/"), {
      title: "A",
      description: "x > y",
      image: "",
      favicon: "https://x.example/i.png",
    });
  });
});

describe("decodeEntities()", () => {
  it("decodes numeric and named references, with or without ';', and leaves others", () => {
    assert.equal(decodeEntities("&lt;a&gt; &amp &#65;&#x42; &copy;"), "<a> & AB ©");
    assert.equal(
      decodeEntities("&constructor; &__proto__; &# &#x; & x"),
      "&constructor; &__proto__; &# &#x; & x",
    );
    assert.equal(decodeEntities("&#0;&#xD800;&#1114112;&#99999999999;"), "\uFFFD".repeat(4));
    assert.equal(cleanText("  a&nbsp;\n b  "), "a b");
  });
});
