/**
 * The connect auth hook's type: who may join which room, with which identity.
 * @module
 */

/**
 * Let the session in (optionally readonly, with host data), or refuse it. With `userId` (and
 * optionally `userName`) the session's presence always carries them (users cannot impersonate
 * each other) and only a connection authorized as the same user may take its session id over.
 * `userId` is written as a tldraw user id: `user:` is prefixed unless already there. A connect
 * with `?at=<clock>` (a readonly view of the room's past) is let in only when the answer has
 * `history: true` (or the URL carries a ticket from the admin API).
 */
export type AuthorizeResult =
  | {
    readonly?: boolean;
    meta?: unknown;
    userId?: string;
    userName?: string;
    /** May open readonly views of the room's past (`?at=<clock>`). Default false. */
    history?: boolean;
  }
  | { refuse: string }
  | boolean
  | void;

/** Decide whether a connect request may join `roomId`. */
export type Authorize = (
  req: Request,
  roomId: string,
) => AuthorizeResult | Promise<AuthorizeResult>;
