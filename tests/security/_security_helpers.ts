// Test-only helpers shared by the security tests.
import { serverSchema } from "../helpers/records.ts";
import type { TcpWsClient } from "../helpers/tcp_ws_client.ts";

/** The `connect` message a protocol-8 client sends. */
export function connectMessage(id = "req"): string {
  return JSON.stringify({
    type: "connect",
    connectRequestId: id,
    lastServerClock: -1,
    protocolVersion: 8,
    schema: serverSchema,
  });
}

/** Complete the handshake over a hand-made TCP WebSocket. */
export async function handshake(client: TcpWsClient): Promise<void> {
  client.sendText(connectMessage());
  await client.nextText('"type":"connect"');
}
