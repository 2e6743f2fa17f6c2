// Protocol v8 frames for the attack benches: the connect request, a valid tldraw shape and a
// push, split into chunks the way the tldraw client splits large messages.
import { createTLSchema, toRichText } from "@tldraw/tlschema";

const serializedSchema = createTLSchema().serialize();

/** The `connect` request of a fresh v8 client. */
export function connectFrame(requestId = "attack"): string {
  return JSON.stringify({
    type: "connect",
    connectRequestId: requestId,
    lastServerClock: -1,
    protocolVersion: 8,
    schema: serializedSchema,
  });
}

export const PING: string = JSON.stringify({ type: "ping" });

/** A rectangle on `page:page` whose `meta.blob` carries `padChars` characters. */
export function bigShape(id: string, padChars: number): Record<string, unknown> {
  return {
    id,
    typeName: "shape",
    type: "geo",
    parentId: "page:page",
    index: "a1",
    x: 0,
    y: 0,
    rotation: 0,
    opacity: 1,
    isLocked: false,
    meta: { blob: "x".repeat(padChars) },
    props: {
      geo: "rectangle",
      w: 100,
      h: 100,
      growY: 0,
      scale: 1,
      dash: "draw",
      fill: "none",
      color: "black",
      labelColor: "black",
      size: "m",
      font: "draw",
      align: "middle",
      verticalAlign: "middle",
      url: "",
      flipX: false,
      flipY: false,
      richText: toRichText(""),
    },
  };
}

/** A push putting `record`, as one JSON string. */
export function putFrame(clientClock: number, record: Record<string, unknown>): string {
  return JSON.stringify({
    type: "push",
    clientClock,
    diff: { [record["id"] as string]: ["put", record] },
  });
}

/** Chunk threshold of the tldraw client, in UTF-16 units. */
export const CHUNK_CHARS = 262_144;

/** `message` as the tldraw client sends it: whole when small, else `"<n>_<part>"` counting down. */
export function chunked(message: string): string[] {
  if (message.length < CHUNK_CHARS) return [message];
  const count = Math.ceil(message.length / CHUNK_CHARS);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(`${count - 1 - i}_${message.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS)}`);
  }
  return out;
}
