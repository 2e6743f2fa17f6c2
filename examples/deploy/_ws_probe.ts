// Used by proxy-smoke.sh: through a TLS proxy at `base` (https://host:port, self-signed), check
// GET /health and a full sync handshake on a WebSocket (upgrade headers proxied both ways).
//   deno run -A --unsafely-ignore-certificate-errors examples/deploy/_ws_probe.ts https://...
import { createTLSchema } from "@tldraw/tlschema";

const base = Deno.args[0]!;
const health = await fetch(`${base}/health`);
const body = await health.json();
if (!health.ok || body.ok !== true) {
  throw new Error(`/health: ${health.status} ${JSON.stringify(body)}`);
}

const ws = new WebSocket(`${base.replace(/^http/, "ws")}/connect/proxy-probe`);
const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no connect reply within 10 s")), 10_000);
  ws.onerror = () => reject(new Error("WebSocket error (upgrade refused?)"));
  ws.onopen = () =>
    ws.send(JSON.stringify({
      type: "connect",
      connectRequestId: "probe",
      lastServerClock: -1,
      protocolVersion: 8,
      schema: createTLSchema().serialize(),
    }));
  ws.onmessage = (e) => {
    const msg = JSON.parse(String(e.data));
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      if (m.type === "connect") {
        clearTimeout(timer);
        resolve(m);
      }
    }
  };
});
ws.close();
console.log(
  `ok: /health and WebSocket handshake (serverClock ${reply["serverClock"]}) via ${base}`,
);
