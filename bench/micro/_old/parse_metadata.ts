// The unfurl scanner before the linear rewrite (main:src/unfurl/), kept only for bench/micro/unfurl_scan.ts.
// deno-lint-ignore-file
/**
 * Turn a page's HTML into bookmark metadata (pure).
 * @module
 */
import { type Attributes, cleanText, findTags, findTitle, stripInert } from "./html_scan.ts";

/** What a tldraw bookmark shows; each field is `""` when the page has none. */
export interface UnfurlMetadata {
  /** `og:title`, `twitter:title` or `<title>`. */
  title: string;
  /** `og:description`, `twitter:description` or `<meta name="description">`. */
  description: string;
  /** Absolute URL of `og:image` (or `twitter:image`, `<link rel="image_src">`). */
  image: string;
  /** Absolute URL of `<link rel="icon">` (or `apple-touch-icon`). */
  favicon: string;
}

/**
 * Read title, description, image and favicon from `html`. Relative URLs are resolved against
 * `<base href>` and then `pageUrl` (the URL after redirects); only http(s) URLs are returned.
 */
export function parseMetadata(html: string, pageUrl: string): UnfurlMetadata {
  const doc = stripInert(html);
  const meta = new Map<string, string>();
  for (const attrs of findTags(doc, "meta")) {
    const key = (attrs["property"] ?? attrs["name"] ?? attrs["itemprop"] ?? "").toLowerCase();
    const content = attrs["content"];
    if (key && content !== undefined && !meta.has(key)) meta.set(key, content);
  }
  const links = findTags(doc, "link");
  const base = absolute(findTags(doc, "base")[0]?.["href"] ?? "", pageUrl) || pageUrl;
  const first = (...keys: string[]): string =>
    keys.map((k) => cleanText(meta.get(k) ?? "")).find((v) => v !== "") ?? "";
  return {
    title: first("og:title", "twitter:title") || findTitle(doc),
    description: first("og:description", "twitter:description", "description"),
    image: absolute(
      first(
        "og:image",
        "og:image:url",
        "og:image:secure_url",
        "twitter:image",
        "twitter:image:src",
      ) ||
        linkHref(links, ["image_src"]),
      base,
    ),
    favicon: absolute(
      linkHref(links, ["icon", "shortcut"]) ||
        linkHref(links, ["apple-touch-icon", "apple-touch-icon-precomposed"]),
      base,
    ),
  };
}

/** The href of the first link whose `rel` has one of `rels`. */
function linkHref(links: Attributes[], rels: string[]): string {
  for (const link of links) {
    const tokens = (link["rel"] ?? "").toLowerCase().split(/\s+/);
    if (link["href"] && tokens.some((t) => rels.includes(t))) return link["href"].trim();
  }
  return "";
}

/** `value` as an absolute http(s) URL, or `""`. */
function absolute(value: string, base: string): string {
  if (!value) return "";
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : "";
  } catch {
    return "";
  }
}
