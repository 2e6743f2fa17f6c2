/**
 * Read at most N bytes of an HTML response and decode them with the page's charset.
 * @module
 */
import { type Attributes, scanHtml } from "./html_scan.ts";

/** The first `maxBytes` of the body as text (the rest is cancelled, not downloaded). */
export async function readPage(response: Response, maxBytes: number): Promise<string> {
  const bytes = await readAtMost(response, maxBytes);
  const label = charsetOf(response.headers.get("content-type")) ?? sniffCharset(bytes) ?? "utf-8";
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    // Unknown charset label: UTF-8 is the web's default and decodes ASCII markup correctly.
    return new TextDecoder().decode(bytes);
  }
}

async function readAtMost(response: Response, maxBytes: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const out = new Uint8Array(maxBytes);
  let filled = 0;
  try {
    while (filled < maxBytes) {
      const { done, value } = await reader.read();
      if (done) return out.slice(0, filled);
      const n = Math.min(value.length, maxBytes - filled);
      out.set(value.subarray(0, n), filled);
      filled += n;
    }
    // Enough for any <head>; stop the download.
    await reader.cancel().catch(() => {});
    return out;
  } finally {
    reader.releaseLock();
  }
}

function charsetOf(contentType: string | null): string | null {
  const match = /;\s*charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "");
  return match ? match[1]! : null;
}

/** A `<meta charset>` (or http-equiv content type) in the first 2 KB. */
function sniffCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 2048));
  let found: string | null = null;
  scanHtml(head, {
    tags: new Set(["meta"]),
    startTag(_name: string, attrs: Attributes): void {
      found ??= attrs.get("charset")?.trim() ||
        charsetOf(
          attrs.get("http-equiv")?.toLowerCase() === "content-type"
            ? attrs.get("content") ?? null
            : null,
        );
    },
  });
  return found;
}
