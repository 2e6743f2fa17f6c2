// Durability: a real server process under write load is killed with SIGKILL and restarted;
// every edit it acknowledged must still be there.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { startServerProcess } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

async function connectRetrying(url: string): Promise<RawClient> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await connectRaw(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe("kill -9 durability", () => {
  it("every acknowledged edit survives SIGKILL and restart", { timeout: 90_000 }, async () => {
    const dir = tempDir();
    const env = { TLSYNC_DATA: dir.file("kv.sqlite3"), TLSYNC_LEASE_MS: "1500" };
    const first = await startServerProcess(env);
    const acked: string[] = [];
    try {
      const writer = await connectRaw(`ws://127.0.0.1:${first.port}/connect/durable?sessionId=w`);
      const ids = new Map<number, string>();
      writer.ws.addEventListener("message", (e) => {
        const msg = JSON.parse(String(e.data));
        for (const m of msg.type === "data" ? msg.data : [msg]) {
          if (m.type === "push_result" && m.action === "commit") {
            acked.push(ids.get(m.clientClock)!);
          }
        }
      });
      // Pushes in flight when the kill lands may or may not be stored; acknowledged ones must be.
      for (let clock = 1; clock <= 400; clock++) {
        ids.set(clock, `shape:k${clock}`);
        writer.send({
          type: "push",
          clientClock: clock,
          diff: { [`shape:k${clock}`]: ["put", geoShape(`shape:k${clock}`, clock)] },
        });
        if (clock % 20 === 0) await new Promise((r) => setTimeout(r, 5));
        if (clock === 300) first.child.kill("SIGKILL");
      }
      await first.kill("SIGKILL");
    } finally {
      await first.kill("SIGKILL");
    }

    const second = await startServerProcess(env);
    try {
      // The dead process's lease binds until it expires: meanwhile the new process follows it
      // and closes its clients with 1012 once the lease lapses; they reconnect, as clients do.
      const reader = await connectRetrying(
        `ws://127.0.0.1:${second.port}/connect/durable?sessionId=r`,
      );
      const connect = reader.messages.find((m) => m["type"] === "connect")!;
      const stored = new Set(Object.keys(connect["diff"] as object));
      const missing = acked.filter((id) => !stored.has(id));
      console.log(
        `kill -9: ${acked.length} edits acknowledged before the kill, ${
          stored.size - 2
        } stored, ${missing.length} lost`,
      );

      assert.ok(acked.length > 0, "some edits were acknowledged before the kill");
      assert.deepEqual(missing, []);
      reader.close();
    } finally {
      await second.kill("SIGTERM");
      dir.remove();
    }
  });
});
