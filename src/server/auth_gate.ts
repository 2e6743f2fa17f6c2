/**
 * The bearer-token check of the operator routes (admin API, `/metrics`) with a per-address limit
 * on failed attempts: each failure takes a token from the address's bucket, and an address whose
 * bucket is empty gets 429 with `Retry-After` before its token is even checked (a right token
 * too, or the 429 would tell a guesser which guess was right). Addresses are the server's limit
 * keys (`RouteContext.clientAddressOf`: IPv6 by /64, `trustProxy` and `limitLocalhost` applied);
 * requests whose address is unknown or unlimited (localhost by default) are not throttled, as
 * with every per-address limit. Failures are logged aggregated per address (`failure_log.ts`).
 * @module
 */
import { type Logger, silentLogger } from "../ports/logger.ts";
import { systemTime, type TimeSource } from "../ports/time_source.ts";
import { BearerToken, unauthorized } from "./bearer_token.ts";
import { FailureLog } from "./failure_log.ts";
import { TokenBuckets } from "./token_buckets.ts";

/** Failed authentications per client address: sustained per minute, and at once. */
export interface AuthFailureLimit {
  /** Failures per minute, sustained. */
  perMinute: number;
  /** Failures allowed at once (the bucket size). */
  burst: number;
}

/** Default {@linkcode AuthFailureLimit}: 20 failures at once, then one every 3 s. */
export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { perMinute: 20, burst: 20 };

/** Options of {@linkcode AuthGate}. */
export interface AuthGateOptions {
  /** The bearer token (not empty). */
  token: string;
  /** The `WWW-Authenticate` realm of the 401. */
  realm: string;
  /** Name of the aggregated log line of failures (e.g. `admin_unauthorized`). */
  event: string;
  /** Where failures are logged. Default: silent. */
  logger?: Logger | undefined;
  /** Failures per address. Default {@linkcode DEFAULT_AUTH_FAILURE_LIMIT}. */
  limit?: AuthFailureLimit | undefined;
  /** Wall time, for the buckets and the log interval. Default: the system clock. */
  time?: TimeSource | undefined;
}

/** A token check whose failures are throttled and logged per client address. */
export class AuthGate {
  #bearer: BearerToken;
  #realm: string;
  #buckets: TokenBuckets;
  #log: FailureLog;

  /** A gate for `options.token`. */
  constructor(options: AuthGateOptions) {
    const limit = options.limit ?? DEFAULT_AUTH_FAILURE_LIMIT;
    const time = options.time ?? systemTime;
    this.#bearer = new BearerToken(options.token);
    this.#realm = options.realm;
    this.#buckets = new TokenBuckets(limit.perMinute, limit.burst, time);
    this.#log = new FailureLog(options.logger ?? silentLogger, options.event, time);
  }

  /**
   * `null` when `req` carries the token; otherwise the answer to send: 429 while `address` is
   * over its failure limit, else 401. `fields` (method, path) go into the log line.
   */
  async check(
    req: Request,
    address: string | undefined,
    fields: Record<string, unknown>,
  ): Promise<Response | null> {
    const waitMs = address === undefined ? 0 : this.#buckets.wait(address);
    if (waitMs > 0) {
      await discardBody(req);
      this.#log.note(address, "refused", fields);
      return tooManyFailures(waitMs);
    }
    if (await this.#bearer.verify(req)) return null;
    await discardBody(req);
    if (address !== undefined) this.#buckets.take(address);
    this.#log.note(address, "failure", fields);
    return unauthorized(this.#realm);
  }
}

/** 429 with `Retry-After` (whole seconds, at least 1) and a JSON error body. */
function tooManyFailures(waitMs: number): Response {
  return Response.json(
    {
      error: "too_many_requests",
      message: "Too many failed authentications from this address; retry later",
    },
    { status: 429, headers: { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) } },
  );
}

/** Release the unread body of a refused request. */
async function discardBody(req: Request): Promise<void> {
  // A body already used or a stream the client aborted: nothing left to release.
  await req.body?.cancel().catch(() => {});
}
