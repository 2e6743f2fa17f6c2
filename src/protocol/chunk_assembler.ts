/**
 * Reassembles chunked client frames. The tldraw client splits messages of 262,144 UTF-16 units or
 * more into frames `"<n>_<body>"`, where `n` counts down to `0_`. The server never chunks.
 * @module
 */
import { utf8Length } from "./utf8_length.ts";

/** Options for {@linkcode ChunkAssembler}. */
export interface ChunkAssemblerOptions {
  /** Largest reassembled message, in UTF-8 bytes (the room's `maxMessageBytes`). */
  maxMessageBytes: number;
}

/**
 * What one frame produced: a message, an error (state reset; `tooLarge` when the chunks passed
 * `maxMessageBytes`), or `null` (chunk kept).
 */
export type AssemblyResult = { message: unknown } | { error: string; tooLarge?: true } | null;

const CHUNK = /^(\d{1,9})_/;

/** Per-socket reassembly state. */
export class ChunkAssembler {
  #parts: string[] = [];
  #expected = -1;
  #length = 0;
  #max: number;

  /** Create an idle assembler. */
  constructor(options: ChunkAssemblerOptions) {
    this.#max = options.maxMessageBytes;
  }

  /**
   * Feed one text frame.
   * @throws {SyntaxError} when an unchunked frame starting with `{` is not valid JSON.
   */
  handleMessage(frame: string): AssemblyResult {
    if (frame.startsWith("{")) {
      if (this.#expected >= 0) {
        this.#reset();
        return { error: "Unexpected non-chunk message" };
      }
      // The server's Connection checks frames too; this keeps a bare Room just as safe.
      if (frame.length * 3 > this.#max && utf8Length(frame) > this.#max) {
        return { error: `Message over ${this.#max} bytes`, tooLarge: true };
      }
      return { message: JSON.parse(frame) };
    }
    const match = CHUNK.exec(frame);
    if (!match) {
      this.#reset();
      return { error: `Invalid chunk: ${JSON.stringify(frame.slice(0, 20))}` };
    }
    const n = Number(match[1]);
    if (this.#expected >= 0 && n !== this.#expected - 1) {
      this.#reset();
      return { error: "Chunks received in wrong order" };
    }
    const body = frame.slice(match[0].length);
    // Refuse as soon as the chunks so far pass the cap: nothing larger is ever kept.
    this.#length += utf8Length(body);
    if (this.#length > this.#max) {
      this.#reset();
      return { error: `Chunked message over ${this.#max} bytes`, tooLarge: true };
    }
    this.#parts.push(body);
    this.#expected = n;
    if (n > 0) return null;
    const text = this.#parts.join("");
    this.#reset();
    try {
      return { message: JSON.parse(text) };
    } catch (error) {
      return { error: `Invalid JSON in chunked message: ${(error as Error).message}` };
    }
  }

  #reset(): void {
    this.#parts = [];
    this.#expected = -1;
    this.#length = 0;
  }
}
