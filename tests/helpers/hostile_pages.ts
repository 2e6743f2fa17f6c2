// Test/bench-only: adversarial HTML pages for the unfurl scanner, each `size` characters long.

/** `head`, whole `unit`s, spaces and `tail`: exactly `size` characters. */
function fill(head: string, unit: string, size: number, tail = ""): string {
  const room = size - head.length - tail.length;
  const units = Math.floor(room / unit.length);
  return head + unit.repeat(units) + " ".repeat(room - units * unit.length) + tail;
}

/** 100k-ish attributes on one tag (as many `aN=N` as fit), after a real og:title. */
function manyAttributes(size: number): string {
  const parts = ['<meta property="og:title" content="first attrs win"'];
  let length = parts[0]!.length;
  for (let i = 0; length < size - 16; i++) {
    const attr = ` a${i}=${i}`;
    parts.push(attr);
    length += attr.length;
  }
  return fill(parts.join(""), " ", size, ">");
}

/** The hostile pages by name. */
export function hostilePages(size: number): Record<string, string> {
  return {
    "meta-repeated": fill("", "<meta ", size),
    "meta-content-unterminated": fill("", '<meta content="', size),
    "comment-open-repeated": fill("<title>before</title>", "<!--", size),
    "title-unclosed-then-lt": fill("<title>", "<", size),
    "many-attributes": manyAttributes(size),
    "entity-storm": fill(
      '<meta property="og:description" content="',
      "&#99999999999999999999;&#x41;&#",
      size,
      '">',
    ),
    "deep-nesting": fill("", "<div><span>", size / 2, '<meta property="og:title" content="deep">') +
      fill("", "</span></div>", size / 2),
    "script-unterminated": fill(
      "<title>T</title><script>",
      '<meta property="og:title" content="from script">',
      size,
    ),
  };
}
