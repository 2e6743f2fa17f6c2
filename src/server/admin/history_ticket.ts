/**
 * `POST /admin/rooms/:id/history/:clock/ticket`: a short-lived ticket to open a readonly view of
 * the room at `clock` with a stock tldraw client: `path` is `/connect/<id>?at=<clock>&ticket=…`.
 * @module
 */
import { AdminError } from "./admin_error.ts";
import type { AdminRequest } from "./admin_request.ts";
import { useHistory } from "./use_history.ts";

/** The body of a ticket reply. */
export interface HistoryTicketReply {
  /** The room id. */
  roomId: string;
  /** The clock the view shows. */
  clock: number;
  /** The `ticket` query parameter. */
  ticket: string;
  /** Expiry of the ticket (opening the view), ISO 8601. */
  expiresAt: string;
  /** The connect path (append it to the server's ws:// or wss:// origin). */
  path: string;
}

/** Issue a history view ticket. */
export async function historyTicket(
  { registry, tickets }: AdminRequest,
  { roomId, clock }: { roomId: string; clock: number },
): Promise<Response> {
  if (!tickets) throw new AdminError(404, "not_found", "This server offers no history views");
  await useHistory(registry, roomId);
  const { ticket, expiresAt } = await tickets.issue(roomId, clock);
  const query = new URLSearchParams({ at: String(clock), ticket });
  const reply: HistoryTicketReply = {
    roomId,
    clock,
    ticket,
    expiresAt: new Date(expiresAt).toISOString(),
    path: `/connect/${encodeURIComponent(roomId)}?${query}`,
  };
  return Response.json(reply);
}
