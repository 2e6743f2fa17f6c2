// Worker of new_room_flood.ts: the "real user", on its own thread so the flood's sockets in the
// main thread do not delay its timings. Joins `real-room` every 100 ms until told to stop, then
// posts its attempts.
import { type Attempt, connectOnce } from "./_connect_once.ts";

interface Start {
  port: number;
  prefix: string;
  headers: Record<string, string>;
}

const scope = globalThis as unknown as {
  onmessage: (e: MessageEvent<Start | { stop: true }>) => void;
  postMessage(data: Attempt[]): void;
};
let stopped = false;

async function run({ port, prefix, headers }: Start): Promise<void> {
  const out: Attempt[] = [];
  for (let k = 0; !stopped; k++) {
    const next = performance.now() + 100;
    out.push(await connectOnce(port, "real-room", `${prefix}-${k}`, headers, 30_000));
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  scope.postMessage(out);
}

scope.onmessage = (e) => {
  if ("stop" in e.data) stopped = true;
  else run(e.data);
};
