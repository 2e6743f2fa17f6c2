// Chunked messages count against maxMessageBytes (UTF-8 bytes of the reassembled message): the
// session is closed with 4099 MESSAGE_TOO_LARGE as soon as the chunks received pass the cap,
// before the last chunk; nothing of the message is stored or broadcast.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { connectRaw } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { assertStillSyncs, pushResult, sawInPatch, storedDocuments } from "./_security_helpers.ts";

const MAX = 64 * 1024;

/** The tldraw client's chunk framing: "<n>_<body>", n counting down to 0. */
function chunks(text: string, parts: number): string[] {
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < parts; i++) {
    out.push(`${parts - 1 - i}_${text.slice(i * size, (i + 1) * size)}`);
  }
  return out;
}

function pushText(id: string, pad: string, clientClock = 1): string {
  return JSON.stringify({
    type: "push",
    clientClock,
    diff: { [id]: ["put", geoShape(id, 0, 0, { meta: { pad } })] },
  });
}

describe("chunked message cap", () => {
  it("a chunked push under the cap is reassembled and committed", async () => {
    const server = await serve({ limits: { maxMessageBytes: MAX } });
    try {
      const a = await connectRaw(`${server.ws}/connect/chunks?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/chunks?sessionId=b`);

      for (const frame of chunks(pushText("shape:ok", "o".repeat(40_000)), 4)) a.send(frame);
      const result = await pushResult(a, 1);
      await b.next((m) => m["type"] === "patch", "the patch");

      assert.equal(result["action"], "commit");
      assert.ok(sawInPatch(b, "shape:ok"));
      a.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("chunks passing the cap in UTF-8 bytes close the session before the last chunk", async () => {
    const storage = new MemoryStorageProvider();
    const server = await serve({ storage, limits: { maxMessageBytes: MAX } });
    try {
      const a = await connectRaw(`${server.ws}/connect/chunky?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/chunky?sessionId=b`);
      // ~61,000 UTF-16 units (under the cap counted in units) but ~121,000 UTF-8 bytes.
      const frames = chunks(pushText("shape:huge", "é".repeat(60_000)), 8);
      const sentBytes = frames.slice(0, 5).reduce(
        (n, f) => n + new TextEncoder().encode(f).byteLength,
        0,
      );

      for (const frame of frames.slice(0, 5)) a.send(frame); // 3 chunks still to come
      const closed = await a.closed;
      const other = await connectRaw(`${server.ws}/connect/chunky?sessionId=c`);
      await assertStillSyncs(b, other, "shape:after");
      await server.stop();
      const stored = await storedDocuments(storage, "chunky");

      assert.ok(sentBytes > MAX, `sent ${sentBytes} bytes`);
      assert.ok(frames.join("").length < MAX, "the whole message is under the cap in UTF-16 units");
      assert.deepEqual(closed, { code: 4099, reason: "MESSAGE_TOO_LARGE" });
      assert.equal(sawInPatch(b, "shape:huge"), false);
      assert.equal(stored.has("shape:huge"), false);
      assert.ok(stored.has("shape:after"));
      b.close();
      other.close();
    } finally {
      await server.stop();
    }
  });
});
