/**
 * Fetch a page on a client's behalf and read its bookmark metadata, behind the SSRF guard.
 * @module
 */
import { systemTime, type TimeSource } from "../ports/time_source.ts";
import { parseMetadata, type UnfurlMetadata } from "./parse_metadata.ts";
import { readPage } from "./read_page.ts";
import { checkTarget, type TargetGuardOptions } from "./target_guard.ts";

/** The slice of `fetch` the unfurler calls (inject one to run offline). */
export type UnfurlFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@linkcode unfurl}. */
export interface UnfurlOptions extends TargetGuardOptions {
  /** How pages are fetched. Default: the global `fetch`. */
  fetch?: UnfurlFetch;
  /** Give up after this many ms (all redirects and the body included). Default 5000. */
  timeoutMs?: number;
  /** Read at most this many bytes of HTML. Default 1 MiB. */
  maxBytes?: number;
  /** Redirects followed, each re-checked by the guard. Default 3. */
  maxRedirects?: number;
  /**
   * Stop parsing the HTML after this many ms of wall time (what was found by then is returned).
   * Default {@linkcode DEFAULT_PARSE_BUDGET_MS}.
   */
  parseBudgetMs?: number;
  /** Wall time, for the timeout and the parse budget. Default: the system clock. */
  time?: TimeSource;
}

/** Metadata, or why there is none: 400 for a bad or refused URL, 502 when fetching failed. */
export type UnfurlResult =
  | { ok: true; metadata: UnfurlMetadata }
  | { ok: false; status: 400 | 502; error: string };

/** A failure with its HTTP status; thrown inside the unfurler, caught only in `unfurl`. */
export class UnfurlError extends Error {
  /** 400 (the client's fault) or 502 (the target's). */
  readonly status: 400 | 502;
  /** An error for `status`. */
  constructor(status: 400 | 502, message: string) {
    super(message);
    this.name = "UnfurlError";
    this.status = status;
  }
}

/** Default {@linkcode UnfurlOptions.parseBudgetMs}: 250 ms (a 1 MiB page parses in far less). */
export const DEFAULT_PARSE_BUDGET_MS = 250;

const EMPTY: UnfurlMetadata = { title: "", description: "", image: "", favicon: "" };

/**
 * Unfurl `target`: follow up to 3 redirects manually (each checked by the guard), read at most
 * 1 MiB of `text/html` and parse it. An image URL unfurls to itself as the image; other content
 * types give empty metadata.
 */
export async function unfurl(target: string, options: UnfurlOptions = {}): Promise<UnfurlResult> {
  const time = options.time ?? systemTime;
  const controller = new AbortController();
  const timer = time.setTimeout(() => controller.abort(), options.timeoutMs ?? 5000);
  try {
    const { response, url } = await fetchFollowing(parseTarget(target), options, controller.signal);
    const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "text/html" && type !== "application/xhtml+xml") {
      await response.body?.cancel().catch(() => {});
      return {
        ok: true,
        metadata: type.startsWith("image/") ? { ...EMPTY, image: url.href } : EMPTY,
      };
    }
    const html = await readPage(response, options.maxBytes ?? 1024 * 1024);
    const deadline = time.now() + (options.parseBudgetMs ?? DEFAULT_PARSE_BUDGET_MS);
    return {
      ok: true,
      metadata: parseMetadata(html, url.href, { deadline, now: () => time.now() }),
    };
  } catch (error) {
    if (error instanceof UnfurlError) {
      return { ok: false, status: error.status, error: error.message };
    }
    const why = controller.signal.aborted
      ? "timed out"
      : String((error as Error)?.message ?? error);
    return { ok: false, status: 502, error: `Cannot fetch target: ${why}` };
  } finally {
    time.clearTimeout(timer);
  }
}

function parseTarget(target: string): URL {
  try {
    return new URL(target);
  } catch {
    throw new UnfurlError(400, `Invalid url: "${target.slice(0, 200)}"`);
  }
}

async function fetchFollowing(
  start: URL,
  options: UnfurlOptions,
  signal: AbortSignal,
): Promise<{ response: Response; url: URL }> {
  const fetchPage = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const maxRedirects = options.maxRedirects ?? 3;
  let url = start;
  for (let hop = 0;; hop++) {
    const refusal = await checkTarget(url, options);
    if (refusal !== null) throw new UnfurlError(400, refusal);
    const response = await fetchPage(url.href, {
      redirect: "manual",
      signal,
      headers: { accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1" },
    });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status > 399 || location === null) {
      if (response.ok) return { response, url };
      await response.body?.cancel().catch(() => {});
      throw new UnfurlError(502, `Cannot fetch target: it answered ${response.status}`);
    }
    await response.body?.cancel().catch(() => {});
    if (hop >= maxRedirects) throw new UnfurlError(502, "Cannot fetch target: too many redirects");
    try {
      url = new URL(location, url);
    } catch {
      throw new UnfurlError(502, "Cannot fetch target: it redirected to an invalid URL");
    }
  }
}
