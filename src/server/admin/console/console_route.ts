/**
 * The operator console's files: `GET /admin/` (and `/admin`) is the HTML shell,
 * `/admin/console/app.js` and `/admin/console/app.css` its script and style. They hold no data
 * and need no token (the page asks for it and sends it to the admin API itself), and are served
 * with a CSP that allows only these same-origin files: no inline script or style, no framing,
 * no form submission, no other origin.
 * @module
 */
import { CONSOLE_CSS } from "./console_css.ts";
import { CONSOLE_HTML } from "./console_html.ts";
import { CONSOLE_JS } from "./console_script.ts";

/** The Content-Security-Policy of every console file. */
export const CONSOLE_CSP: string = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const FILES: Readonly<Record<string, { type: string; body: string }>> = {
  "/admin": { type: "text/html; charset=utf-8", body: CONSOLE_HTML },
  "/admin/": { type: "text/html; charset=utf-8", body: CONSOLE_HTML },
  "/admin/console/app.js": { type: "text/javascript; charset=utf-8", body: CONSOLE_JS },
  "/admin/console/app.css": { type: "text/css; charset=utf-8", body: CONSOLE_CSS },
};

/** The console file at `pathname` for a GET or HEAD, else `undefined` (the API's turn). */
export function consoleFile(method: string, pathname: string): Response | undefined {
  if (method !== "GET" && method !== "HEAD") return undefined;
  const file = Object.hasOwn(FILES, pathname) ? FILES[pathname] : undefined;
  if (!file) return undefined;
  return new Response(method === "HEAD" ? null : file.body, {
    headers: {
      "content-type": file.type,
      "content-security-policy": CONSOLE_CSP,
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-resource-policy": "same-origin",
      "cache-control": "no-cache",
    },
  });
}
