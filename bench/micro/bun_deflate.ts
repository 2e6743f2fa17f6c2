// permessage-deflate on Bun for the large-room connect reply: one string of 10,000 shapes (~2.4
// MB) sent to 1 and then 20 fresh Bun WebSocket clients, with and without `perMessageDeflate`
// (compressing only messages over 16 KiB); server CPU and wall time on loopback. Then a zip bomb:
// one raw client sends a compressed frame that inflates to 64 MiB against a 1 MiB
// `maxPayloadLength`, and the script reports what the server received and how it closed.
// Usage: bun run bench/micro/bun_deflate.ts <off|on>
// deno-lint-ignore-file no-explicit-any
import { connect } from "node:net";
import { Buffer } from "node:buffer";
import { deflateRawSync } from "node:zlib";

const g = globalThis as any;
const mode = g.process.argv[2] ?? "off";
const shape = (i: number) => ({
  id: `shape:l${i}`,
  typeName: "shape",
  x: i,
  y: i * 2,
  rotation: 0,
  index: `a${i}`,
  parentId: "page:page",
  props: { geo: "rectangle", w: 100, h: 100, color: "black", fill: "none", dash: "draw", text: "" },
});
const diff = Object.fromEntries(
  Array.from({ length: 10_000 }, (_, i) => [shape(i).id, ["put", shape(i)]]),
);
const body = JSON.stringify({ type: "connect", diff });
let received = 0;
let lastClose = "";
const server = g.Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req: Request, s: any) => s.upgrade(req, { data: {} }) ? undefined : new Response(""),
  websocket: {
    maxPayloadLength: 1024 * 1024,
    perMessageDeflate: mode === "on" ? { compress: true, decompress: true } : false,
    message(ws: any, m: string) {
      received += m.length;
      if (m === "hello") ws.send(body, body.length > 16_384);
    },
    close(_ws: unknown, code: number, reason: string) {
      lastClose = `${code} ${reason}`;
    },
  },
});
const url = `ws://127.0.0.1:${server.port}/`;

async function load(clients: number) {
  const c0 = g.process.cpuUsage();
  const t0 = performance.now();
  let extensions = "";
  await Promise.all(Array.from({ length: clients }, () =>
    new Promise<void>((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => (extensions = ws.extensions, ws.send("hello"));
      ws.onmessage = (e) => {
        if (String(e.data).length !== body.length) throw new Error("truncated reply");
        ws.close();
        resolve();
      };
    })));
  const c = g.process.cpuUsage(c0);
  const ms = Math.round(performance.now() - t0);
  return { clients, ms, serverCpuMs: Math.round((c.user + c.system) / 1000), extensions };
}

async function zipBomb() {
  const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024, 0x61));
  const sock = connect(server.port, "127.0.0.1");
  await new Promise((r) => sock.once("connect", r));
  sock.write(
    "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
      "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
  );
  const head = await new Promise<string>((r) => sock.once("data", (d) => r(String(d))));
  const header = Buffer.alloc(14);
  header[0] = 0xc1; // FIN, RSV1 (compressed), text
  header[1] = 0x80 | 127; // masked, 64-bit length
  header.writeBigUInt64BE(BigInt(bomb.length), 2);
  const mask = [1, 2, 3, 4];
  header.set(mask, 10);
  const masked = Buffer.from(bomb).map((b, i) => b ^ mask[i & 3]!);
  const before = received;
  const replies: Buffer[] = [];
  sock.on("data", (d: Buffer) => replies.push(d));
  sock.write(Buffer.concat([header, masked]));
  await new Promise((r) => (sock.once("close", r), setTimeout(r, 3000)));
  const reply = Buffer.concat(replies);
  return {
    negotiated: /permessage-deflate/i.test(head),
    compressedBytes: bomb.length,
    bytesDelivered: received - before,
    serverSawClose: lastClose,
    closeCodeSent: reply.length >= 4 && (reply[0]! & 0x0f) === 8 ? reply.readUInt16BE(2) : null,
  };
}

const one = await load(1);
const twenty = await load(20);
console.log(JSON.stringify({
  mode,
  replyBytes: body.length,
  deflatedBytes: deflateRawSync(body).length,
  one,
  twenty,
  zipBomb: await zipBomb(),
}));
server.stop(true);
g.process.exit(0);
