/**
 * Short-lived tickets for readonly history views (`/connect/<room>?at=<clock>&ticket=…`): the
 * admin API issues them, so the admin token never goes into a URL. A ticket is
 * `<expiresAtMs>.<base64url HMAC-SHA256(room, clock, expiry)>`, keyed by a hash of a secret
 * (the default server uses the admin token, so every process of a cluster accepts the tickets
 * of the others; without a secret each process draws a random key).
 * @module
 */
import type { TimeSource } from "../ports/time_source.ts";

/** Default ticket lifetime: 10 minutes (time to open the view, not to keep it open). */
export const DEFAULT_TICKET_TTL_MS = 600_000;
/** Longest ticket text accepted (longer: refused before any crypto). */
export const MAX_TICKET_CHARS = 128;

const DOMAIN = "tlsync history ticket v1\n";

/** A ticket and when it expires. */
export interface HistoryTicket {
  /** The `ticket` query parameter. */
  ticket: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
}

/** Issues and checks history view tickets. */
export class HistoryTickets {
  #key: Promise<CryptoKey>;
  #time: TimeSource;
  #ttlMs: number;

  /** Tickets keyed by `secret` (random when undefined), valid `ttlMs`. */
  constructor(secret: string | undefined, time: TimeSource, ttlMs = DEFAULT_TICKET_TTL_MS) {
    this.#key = importKey(secret);
    this.#time = time;
    this.#ttlMs = ttlMs;
  }

  /** A ticket for viewing `roomId` at `clock`. */
  async issue(roomId: string, clock: number): Promise<HistoryTicket> {
    const expiresAt = this.#time.now() + this.#ttlMs;
    const mac = await crypto.subtle.sign(
      "HMAC",
      await this.#key,
      message(roomId, clock, expiresAt),
    );
    return { ticket: `${expiresAt}.${base64url(new Uint8Array(mac))}`, expiresAt };
  }

  /** True for an unexpired ticket issued for exactly `roomId` and `clock`. */
  async verify(roomId: string, clock: number, ticket: string): Promise<boolean> {
    if (ticket.length > MAX_TICKET_CHARS) return false;
    const dot = ticket.indexOf(".");
    const expiresAt = Number(ticket.slice(0, dot));
    if (dot < 1 || !Number.isSafeInteger(expiresAt) || expiresAt < this.#time.now()) return false;
    const mac = fromBase64url(ticket.slice(dot + 1));
    if (!mac) return false;
    // crypto.subtle.verify compares in constant time.
    return await crypto.subtle.verify(
      "HMAC",
      await this.#key,
      mac,
      message(roomId, clock, expiresAt),
    );
  }
}

async function importKey(secret: string | undefined): Promise<CryptoKey> {
  const raw = secret === undefined || secret === ""
    ? crypto.getRandomValues(new Uint8Array(32))
    : new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(DOMAIN + secret)),
    );
  return await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

function message(roomId: string, clock: number, expiresAt: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${roomId}\n${clock}\n${expiresAt}`);
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}
