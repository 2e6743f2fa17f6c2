/**
 * Typed events on a mitt emitter, delivered so that a listener cannot hurt the emitter.
 *
 * Listeners are kept by mitt (`on`, `off`, `all`): that emitter is what users subscribe to.
 * Delivery is done here, not with mitt's `emit`, for two reasons: each listener runs inside its
 * own `try` (an exception is reported to `onError` and the next listener still runs, so a
 * throwing user handler never breaks a room, nor starves the metrics or the log), and an
 * emitter can forward to a second one (a room's events reach its server's emitter) without a
 * forwarding listener, so {@linkcode EventChannel.wants} stays false when nobody listens
 * anywhere and hot events cost nothing to skip.
 * @module
 */
import mittImport, { type Emitter, type EventType } from "mitt";
import type { Logger } from "./logger.ts";

// mitt's package has no `"type": "module"`, so Deno types its default import as the CommonJS
// namespace; the value is the function under both runtimes (the ESM build), or its `default`.
const mitt = ((mittImport as unknown as { default?: unknown }).default ?? mittImport) as <
  M extends EventMap,
>() => Emitter<M>;

/** A map from event name to payload type. */
export type EventMap = Record<EventType, unknown>;

/** Reports a listener that threw. */
export type ListenerErrorHandler = (type: string, error: unknown) => void;

type AnyHandler = (...args: unknown[]) => void;

/** An emitter plus the safe delivery path into it. */
export class EventChannel<M extends EventMap> {
  /** Where listeners subscribe. */
  readonly emitter: Emitter<M>;
  #sink: Emitter<M> | undefined;
  #onError: ListenerErrorHandler;

  /**
   * A channel on `emitter` (default: a new mitt emitter) that also delivers every event to
   * `sink`, if given; listener errors go to `onError`.
   */
  constructor(options: { onError: ListenerErrorHandler; emitter?: Emitter<M>; sink?: Emitter<M> }) {
    this.emitter = options.emitter ?? mitt<M>();
    this.#sink = options.sink;
    this.#onError = options.onError;
  }

  /** True when someone listens for `type` (or for every event) here or in the sink. */
  wants(type: keyof M): boolean {
    return hasListeners(this.emitter, type) || (this.#sink !== undefined &&
      hasListeners(this.#sink, type));
  }

  /** Deliver `payload` to the listeners of `type`, then to the sink's. */
  emit<K extends keyof M>(type: K, payload: M[K]): void {
    this.#deliver(this.emitter, type, payload);
    if (this.#sink) this.#deliver(this.#sink, type, payload);
  }

  #deliver<K extends keyof M>(emitter: Emitter<M>, type: K, payload: M[K]): void {
    const typed = emitter.all.get(type) as AnyHandler[] | undefined;
    const wildcard = emitter.all.get("*") as AnyHandler[] | undefined;
    // Copies, as mitt does: a listener may unsubscribe while the event is delivered.
    if (typed?.length) {
      for (const handler of typed.slice()) {
        this.#call(handler, type, [payload]);
      }
    }
    if (wildcard?.length) {
      for (const handler of wildcard.slice()) this.#call(handler, type, [type, payload]);
    }
  }

  #call(handler: AnyHandler, type: keyof M, args: unknown[]): void {
    try {
      handler(...args);
    } catch (error) {
      this.#onError(String(type), error);
    }
  }
}

/** True when `emitter` has a listener for `type` or for every event (`*`). */
export function hasListeners<M extends EventMap>(emitter: Emitter<M>, type: keyof M): boolean {
  return ((emitter.all.get(type)?.length ?? 0) > 0) || ((emitter.all.get("*")?.length ?? 0) > 0);
}

/**
 * A channel whose listener errors are logged as `event_listener_failed` (with `context`, the
 * event name and the error's message): the one place a listener's exception ends up.
 */
export function loggedChannel<M extends EventMap>(
  logger: Logger,
  context: Record<string, unknown>,
  options: { emitter?: Emitter<M> | undefined; sink?: Emitter<M> | undefined } = {},
): EventChannel<M> {
  return new EventChannel<M>({
    ...(options.emitter ? { emitter: options.emitter } : {}),
    ...(options.sink ? { sink: options.sink } : {}),
    onError: (event, error) =>
      logger.error("event_listener_failed", {
        ...context,
        event,
        error: error instanceof Error ? error.message : String(error),
      }),
  });
}
