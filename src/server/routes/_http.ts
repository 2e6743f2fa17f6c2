/**
 * Shared HTTP helpers of the asset and unfurl routes: CORS (the tldraw app may be served from
 * another origin), JSON answers and the single catch site for route failures.
 * @module
 */
import type { Logger } from "../../ports/logger.ts";

/** Headers every answer of these routes carries. */
export function corsHeaders(): Record<string, string> {
  return {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "Content-Length, Content-Range, Accept-Ranges",
  };
}

/** The answer to a CORS preflight (`OPTIONS`). */
export function preflight(req: Request, methods: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(),
      "access-control-allow-methods": methods,
      "access-control-allow-headers": req.headers.get("access-control-request-headers") ??
        "Content-Type, Range",
      "access-control-max-age": "86400",
    },
  });
}

/** A JSON answer with CORS headers. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...corsHeaders(), ...headers } });
}

/** `{ error }` with `status`. */
export function jsonError(status: number, error: string): Response {
  return json({ error }, status);
}

/** 405 naming the allowed methods. */
export function methodNotAllowed(methods: string): Response {
  return json({ error: "Method not allowed" }, 405, { allow: methods });
}

/**
 * Run a route body; anything it throws is a bug or a storage failure and becomes a logged 500,
 * so one broken asset never takes the sync routes down with it.
 */
export async function guarded(
  logger: Logger,
  event: string,
  run: () => Promise<Response>,
): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    logger.error(event, { error: String(error) });
    return jsonError(500, "Internal server error");
  }
}
