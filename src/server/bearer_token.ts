/**
 * `Authorization: Bearer <token>` checks for the operator routes (admin, metrics), compared in
 * constant time.
 * @module
 */

/** Checks requests against one secret token. */
export class BearerToken {
  #digest: Promise<Uint8Array>;

  /** A check for `token` (must not be empty). */
  constructor(token: string) {
    if (token === "") throw new TypeError("Cannot check bearer tokens: the token is empty");
    this.#digest = sha256(token);
  }

  /** True when `req` carries the token. */
  async verify(req: Request): Promise<boolean> {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.get("authorization") ?? "");
    // Hash both sides: equal-length digests, so neither the length nor a prefix of the secret
    // leaks through timing, even when no token was sent.
    const given = await sha256(match?.[1] ?? "");
    return timingSafeEqual(given, await this.#digest) && match !== null;
  }
}

/** 401 with a `WWW-Authenticate: Bearer` challenge and a JSON error body. */
export function unauthorized(realm: string): Response {
  return Response.json(
    { error: "unauthorized", message: "Send the Authorization: Bearer <token> header" },
    { status: 401, headers: { "www-authenticate": `Bearer realm="${realm}"` } },
  );
}

async function sha256(text: string): Promise<Uint8Array> {
  const data = new TextEncoder().encode(text);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
}
