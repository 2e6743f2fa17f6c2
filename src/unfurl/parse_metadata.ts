/**
 * Turn a page's HTML into bookmark metadata (pure, linear time, with an optional time budget).
 * @module
 */
import { cleanText, decodeEntities } from "./decode_entities.ts";
import { type Attributes, type HtmlVisitor, scanHtml, type ScanOptions } from "./html_scan.ts";

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

/** Each returned field is cut to this many characters. */
export const MAX_METADATA_CHARS = 2048;

const TITLE_KEYS = ["og:title", "twitter:title"];
const DESCRIPTION_KEYS = ["og:description", "twitter:description", "description"];
const IMAGE_KEYS = [
  "og:image",
  "og:image:url",
  "og:image:secure_url",
  "twitter:image",
  "twitter:image:src",
];
const IMAGE_RELS = ["image_src"];
const ICON_RELS = ["icon", "shortcut"];
const TOUCH_ICON_RELS = ["apple-touch-icon", "apple-touch-icon-precomposed"];
const META_KEYS = new Set([...TITLE_KEYS, ...DESCRIPTION_KEYS, ...IMAGE_KEYS]);
const LINK_GROUPS = [IMAGE_RELS, ICON_RELS, TOUCH_ICON_RELS];

/** What the scan keeps: the first value of each wanted key or rel, so memory stays bounded. */
class Collected implements HtmlVisitor {
  readonly tags: ReadonlySet<string> = new Set(["meta", "link", "base"]);
  meta = new Map<string, string>();
  /** The first link (in document order) of each of {@linkcode LINK_GROUPS}. */
  links = new Map<string[], string>();
  base: string | undefined;
  titleText: string | undefined;

  title(text: string): void {
    this.titleText ??= text; // Only the first <title> counts.
  }

  startTag(name: string, attrs: Attributes): void {
    if (name === "meta") this.#meta(attrs);
    else if (name === "link") this.#link(attrs);
    else if (this.base === undefined && attrs.has("href")) this.base = attrs.get("href")!;
  }

  #meta(attrs: Attributes): void {
    const key = (attrs.get("property") ?? attrs.get("name") ?? attrs.get("itemprop") ?? "")
      .toLowerCase();
    const content = attrs.get("content");
    if (META_KEYS.has(key) && content !== undefined && !this.meta.has(key)) {
      this.meta.set(key, content);
    }
  }

  #link(attrs: Attributes): void {
    const href = attrs.get("href");
    if (!href) return;
    const tokens = (attrs.get("rel") ?? "").toLowerCase().split(/\s+/);
    for (const group of LINK_GROUPS) {
      if (!this.links.has(group) && tokens.some((t) => group.includes(t))) {
        this.links.set(group, href);
      }
    }
  }

  /** The first non-empty value among `keys`, cleaned. */
  first(keys: string[]): string {
    for (const key of keys) {
      const value = cleanText(this.meta.get(key) ?? "");
      if (value !== "") return value;
    }
    return "";
  }

  link(group: string[]): string {
    return decodeEntities(this.links.get(group) ?? "").trim();
  }
}

/**
 * Read title, description, image and favicon from `html`. Relative URLs are resolved against
 * `<base href>` and then `pageUrl` (the URL after redirects); only http(s) URLs are returned.
 * `scan` may set a deadline: what was found before it passed is returned.
 */
export function parseMetadata(
  html: string,
  pageUrl: string,
  scan: ScanOptions = {},
): UnfurlMetadata {
  const found = new Collected();
  scanHtml(html, found, scan);
  const base = absolute(decodeEntities(found.base ?? ""), pageUrl) || pageUrl;
  return {
    title: cut(found.first(TITLE_KEYS) || cleanText(found.titleText ?? "")),
    description: cut(found.first(DESCRIPTION_KEYS)),
    image: absolute(found.first(IMAGE_KEYS) || found.link(IMAGE_RELS), base),
    favicon: absolute(found.link(ICON_RELS) || found.link(TOUCH_ICON_RELS), base),
  };
}

function cut(text: string): string {
  return text.length > MAX_METADATA_CHARS ? text.slice(0, MAX_METADATA_CHARS) : text;
}

/** `value` as an absolute http(s) URL, or `""` (also for URLs longer than the field cap). */
function absolute(value: string, base: string): string {
  if (!value || value.length > MAX_METADATA_CHARS) return "";
  try {
    const url = new URL(value.trim(), base);
    const ok = (url.protocol === "http:" || url.protocol === "https:") &&
      url.href.length <= MAX_METADATA_CHARS;
    return ok ? url.href : "";
  } catch {
    return "";
  }
}
