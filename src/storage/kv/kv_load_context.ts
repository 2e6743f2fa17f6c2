/**
 * What loading a room needs besides KV: its name for messages, and where skipped entries go.
 * @module
 */
import { formatKey } from "./kv_codec.ts";
import type { KvKey } from "./kv_like.ts";
import type { SkippedEntry } from "./kv_records.ts";

/** Loading one room. */
export class LoadContext {
  /** The room id. */
  readonly roomId: string;
  #onSkipped: (entry: SkippedEntry) => void;

  /** Load `roomId`, reporting skipped entries to `onSkipped`. */
  constructor(roomId: string, onSkipped: (entry: SkippedEntry) => void) {
    this.roomId = roomId;
    this.#onSkipped = onSkipped;
  }

  /** `room "<id>"`, for messages. */
  get what(): string {
    return `room "${this.roomId}"`;
  }

  /** Report an entry loading skipped. */
  skip(key: KvKey, reason: string): void {
    const text = formatKey(key);
    this.#onSkipped({
      roomId: this.roomId,
      key: text.length > 300 ? `${text.slice(0, 300)}…` : text,
      reason,
    });
  }

  /** The same room with skips not reported (a second read of entries already reported). */
  quiet(): LoadContext {
    return new LoadContext(this.roomId, () => {});
  }
}
