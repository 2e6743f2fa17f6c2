// Adversarial HTML pages for the unfurl scanner, each built to an exact byte size (ASCII).

export const PAGE_KINDS = [
  "meta_repeat",
  "meta_content_unterminated",
  "comment_repeat",
  "title_unclosed",
  "many_attributes",
  "entity_storm",
  "nested_tags",
  "script_unterminated",
] as const;

export type PageKind = typeof PAGE_KINDS[number];

/** Fill to `bytes` by repeating `unit` (or numbered units) after `head`. */
function fill(bytes: number, head: string, unit: (i: number) => string): string {
  const parts = [head];
  let length = head.length;
  for (let i = 0; length < bytes; i++) {
    const u = unit(i);
    parts.push(u);
    length += u.length;
  }
  return parts.join("").slice(0, bytes);
}

/** A page of `kind`, exactly `bytes` long. */
export function buildPage(kind: PageKind, bytes: number): string {
  const head = "<!doctype html><html><head>";
  switch (kind) {
    case "meta_repeat":
      return fill(bytes, head, () => "<meta ");
    case "meta_content_unterminated":
      return fill(bytes, head, () => '<meta content="');
    case "comment_repeat":
      return fill(bytes, head, () => "<!--");
    case "title_unclosed":
      return fill(bytes, head + "<title>", () => "<");
    case "many_attributes":
      return fill(bytes - 1, head + "<meta", (i) => ` a${i}=1`) + ">";
    case "entity_storm":
      return fill(bytes - 2, head + '<meta property="og:title" content="', () => "&#x41;&#") +
        '">';
    case "nested_tags":
      return fill(bytes, head, () => "<div>");
    case "script_unterminated":
      return fill(bytes, head, () => "<script>");
  }
}
