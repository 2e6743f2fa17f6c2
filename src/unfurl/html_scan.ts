/**
 * A small, forgiving HTML tokenizer for page metadata (pure, linear time). It reports start tags
 * (name and attributes) and the text of raw-text elements; comments, doctypes, end tags and the
 * contents of scripts, styles, templates and noscripts are skipped. It is not an HTML parser.
 *
 * Why it is linear: one cursor walks the input and never moves back. Every counted loop step in
 * this file advances the cursor by at least one character (so `steps <= html.length` always
 * holds; loops check their stop condition before counting), and every `indexOf` starts at the
 * cursor, which then moves past what it scanned. Unterminated constructs (a comment, a quoted value, a
 * `<script>`) end the scan at the end of the input instead of being retried from a later `<`.
 * @module
 */

/** A start tag's attributes: names lower-cased, values raw (not entity-decoded). */
export type Attributes = Map<string, string>;

/** What the scanner reports to. */
export interface HtmlVisitor {
  /** Tags whose attributes are wanted (lower case); other tags are skipped cheaply. */
  readonly tags: ReadonlySet<string>;
  /** A start tag named in `tags`, with its first {@linkcode MAX_ATTRIBUTES} attributes. */
  startTag(name: string, attrs: Attributes): void;
  /** The raw text of a `<title>` (up to its end tag, or the end of the input). */
  title?(text: string): void;
}

/** Options of {@linkcode scanHtml}. */
export interface ScanOptions {
  /** Stop once `now()` passes this (checked every 1024 steps). Default: never. */
  deadline?: number;
  /** The clock `deadline` is read against. Default: `Date.now`. */
  now?: () => number;
}

/** How a scan went: `steps` loop iterations; `complete` false when the deadline stopped it. */
export interface ScanStats {
  /** Loop iterations; each advanced the cursor, so at most the input's length. */
  steps: number;
  /** Whether the whole input was scanned. */
  complete: boolean;
}

/** Attributes kept per tag; later ones are skipped (still scanned, never stored). */
export const MAX_ATTRIBUTES = 32;

/** Elements whose content is text, not markup; skipped up to their end tag. */
const RAW_TEXT = new Set(["script", "style", "template", "noscript", "title", "textarea", "xmp"]);

const GT = 62, SLASH = 47, EQ = 61, BANG = 33, QMARK = 63, DQ = 34, SQ = 39;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

function isAsciiAlpha(c: number): boolean {
  return (c | 32) >= 97 && (c | 32) <= 122;
}

/** Scan `html` once, reporting to `visitor`. */
export function scanHtml(html: string, visitor: HtmlVisitor, options: ScanOptions = {}): ScanStats {
  const s = new Scanner(html, visitor, options);
  return { steps: s.run(), complete: s.complete };
}

class Scanner {
  #html: string;
  #v: HtmlVisitor;
  #at = 0;
  #steps = 0;
  #deadline: number;
  #now: () => number;
  complete = true;

  constructor(html: string, visitor: HtmlVisitor, options: ScanOptions) {
    this.#html = html;
    this.#v = visitor;
    this.#deadline = options.deadline ?? Infinity;
    this.#now = options.now ?? Date.now;
  }

  /** One loop iteration: counts it and checks the deadline now and then. */
  #step(): boolean {
    if (!this.complete) return false;
    this.#steps++;
    if ((this.#steps & 1023) === 0 && this.#now() > this.#deadline) this.complete = false;
    return this.complete;
  }

  run(): number {
    const html = this.#html;
    while (this.#at < html.length && this.#step()) {
      const lt = html.indexOf("<", this.#at);
      if (lt < 0) break;
      this.#at = lt + 1;
      const c = html.charCodeAt(this.#at);
      if (c === BANG || c === QMARK) this.#skipMarkupDeclaration();
      else if (c === SLASH) this.#skipTo(">");
      else if (isAsciiAlpha(c)) this.#startTag();
      // Otherwise a literal "<": the cursor is already past it.
    }
    return this.#steps;
  }

  /** Move past the next `needle` (or to the end of the input). */
  #skipTo(needle: string): void {
    const end = this.#html.indexOf(needle, this.#at);
    this.#at = end < 0 ? this.#html.length : end + needle.length;
  }

  #skipMarkupDeclaration(): void {
    if (this.#html.startsWith("!--", this.#at)) {
      this.#at += 3;
      // "<!-->" and "<!--->" are complete (empty) comments.
      if (this.#html.charCodeAt(this.#at) === GT) this.#at++;
      else if (this.#html.startsWith("->", this.#at)) this.#at += 2;
      else this.#skipTo("-->");
    } else this.#skipTo(">");
  }

  #startTag(): void {
    const name = this.#readName();
    const wanted = this.#v.tags.has(name);
    const attrs: Attributes = new Map();
    if (!this.#attributes(wanted ? attrs : null)) return; // EOF inside the tag: dropped.
    if (wanted) this.#v.startTag(name, attrs);
    if (!RAW_TEXT.has(name)) return;
    const from = this.#at;
    const to = this.#skipRawText(name);
    if (name === "title") this.#v.title?.(this.#html.slice(from, to));
  }

  /** The tag name, lower-cased: up to whitespace, `/` or `>`. */
  #readName(): string {
    const html = this.#html;
    const start = this.#at;
    while (this.#at < html.length) {
      const c = html.charCodeAt(this.#at);
      if (isSpace(c) || c === SLASH || c === GT || !this.#step()) break;
      this.#at++;
    }
    return html.slice(start, this.#at).toLowerCase();
  }

  /** Read attributes up to `>`, into `into` when given. `false` when the input ended first. */
  #attributes(into: Attributes | null): boolean {
    const html = this.#html;
    while (this.#at < html.length && this.#step()) {
      const c = html.charCodeAt(this.#at);
      if (c === GT) {
        this.#at++;
        return true;
      }
      if (isSpace(c) || c === SLASH) {
        this.#at++;
        continue;
      }
      const name = this.#attributeName();
      const value = this.#attributeValue();
      if (value === null) return false;
      if (into && into.size < MAX_ATTRIBUTES && !into.has(name)) into.set(name, value);
    }
    return false;
  }

  #attributeName(): string {
    const html = this.#html;
    const start = this.#at++; // The first character (even "=") belongs to the name.
    while (this.#at < html.length) {
      const c = html.charCodeAt(this.#at);
      if (isSpace(c) || c === SLASH || c === GT || c === EQ || !this.#step()) break;
      this.#at++;
    }
    return html.slice(start, this.#at).toLowerCase();
  }

  /** The value after optional `=` (`""` when there is none); `null` at an unterminated quote. */
  #attributeValue(): string | null {
    const html = this.#html;
    this.#skipSpaces();
    if (html.charCodeAt(this.#at) !== EQ) return "";
    this.#at++;
    this.#skipSpaces();
    const q = html.charCodeAt(this.#at);
    if (q === DQ || q === SQ) {
      const end = html.indexOf(q === DQ ? '"' : "'", this.#at + 1);
      if (end < 0) {
        this.#at = html.length;
        return null;
      }
      const value = html.slice(this.#at + 1, end);
      this.#at = end + 1;
      return value;
    }
    const start = this.#at;
    while (this.#at < html.length) {
      const c = html.charCodeAt(this.#at);
      if (isSpace(c) || c === GT || !this.#step()) break;
      this.#at++;
    }
    return html.slice(start, this.#at);
  }

  #skipSpaces(): void {
    while (this.#at < this.#html.length && isSpace(this.#html.charCodeAt(this.#at))) {
      if (!this.#step()) return;
      this.#at++;
    }
  }

  /** Move past `</name…>`; returns where the raw text ended (the input's end if unclosed). */
  #skipRawText(name: string): number {
    const html = this.#html;
    while (this.#at < html.length && this.#step()) {
      const lt = html.indexOf("</", this.#at);
      if (lt < 0) break;
      this.#at = lt + 2;
      if (!startsWithIgnoringCase(html, this.#at, name)) continue;
      const after = html.charCodeAt(this.#at + name.length);
      if (!(isSpace(after) || after === SLASH || after === GT)) continue;
      this.#at += name.length;
      this.#skipTo(">");
      return lt;
    }
    this.#at = html.length;
    return html.length;
  }
}

/** Whether `text` has the ASCII lower-case `word` at `at`, in any case. */
function startsWithIgnoringCase(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((text.charCodeAt(at + i) | 32) !== word.charCodeAt(i)) return false;
  }
  return true;
}
