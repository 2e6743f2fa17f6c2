/**
 * Run the host's auth hook and normalise its answer. A throwing hook refuses (fail closed).
 * @module
 */
import { CloseReason } from "../protocol/close_reason.ts";
import type { Logger } from "../ports/logger.ts";
import type { SessionIdentity } from "../room/session.ts";
import type { Authorize } from "./authorize.ts";

/** The normalised decision. */
export type AuthDecision =
  | { readonly: boolean; meta: unknown; identity?: SessionIdentity; history?: boolean }
  | { refuse: string };

/** Decide whether `req` may join `roomId`. */
export async function authorizeRequest(
  authorize: Authorize | undefined,
  req: Request,
  roomId: string,
  logger: Logger,
): Promise<AuthDecision> {
  if (!authorize) return { readonly: false, meta: undefined };
  let result;
  try {
    result = await authorize(req, roomId);
  } catch (error) {
    logger.error("authorize_failed", { roomId, error: String(error) });
    return { refuse: CloseReason.FORBIDDEN };
  }
  if (result === false) return { refuse: CloseReason.FORBIDDEN };
  if (result === true || result === undefined) return { readonly: false, meta: undefined };
  if ("refuse" in result) return { refuse: result.refuse || CloseReason.FORBIDDEN };
  const decision = {
    readonly: result.readonly ?? false,
    meta: result.meta,
    ...(result.history === true ? { history: true } : {}),
  };
  if (typeof result.userId !== "string" || result.userId === "") return decision;
  // tldraw presence validates `userId` as a user record id (`createUserId` adds the prefix).
  const userId = result.userId.startsWith("user:") ? result.userId : `user:${result.userId}`;
  const identity: SessionIdentity = typeof result.userName === "string"
    ? { userId, userName: result.userName }
    : { userId };
  return { ...decision, identity };
}
