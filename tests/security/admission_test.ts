import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Admission } from "../../src/server/admission.ts";
import { resolveLimits } from "../../src/server/server_options.ts";
import { TokenBuckets } from "../../src/server/token_buckets.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { captureLogger } from "../helpers/capture_logger.ts";
import { connectRaw, openRaw, type RawClient } from "../helpers/raw_client.ts";
import { geoShape } from "../helpers/records.ts";
import { serve } from "../helpers/serve.ts";
import { openTcpWs, type TcpWsClient } from "../helpers/tcp_ws_client.ts";
import { connectMessage, handshake } from "./_security_helpers.ts";

function from(port: number, path: string, address: string): Promise<TcpWsClient> {
  return openTcpWs(port, path, { "X-Forwarded-For": address });
}

async function pushSeen(a: RawClient, b: RawClient, id: string): Promise<void> {
  a.send({ type: "push", clientClock: 1, diff: { [id]: ["put", geoShape(id)] } });
  await b.next((m) => m["type"] === "patch" && id in (m["diff"] as object), `patch ${id}`);
}

describe("fair admission", () => {
  it("100 sockets that never send connect do not keep real users out", async () => {
    const server = await serve({
      limits: { maxSessionsPerRoom: 2, maxPendingPerRoom: 200, maxPendingPerAddress: 200 },
    });
    const idle: RawClient[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        idle.push(await openRaw(`${server.ws}/connect/r?sessionId=i${i}`));
      }
      const a = await connectRaw(`${server.ws}/connect/r?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/r?sessionId=b`);
      await pushSeen(a, b, "shape:1");
      // Seats are taken by connected sessions: a third real user is refused as ROOM_FULL.
      const c = await openRaw(`${server.ws}/connect/r?sessionId=c`);
      c.send(connectMessage());
      assert.deepEqual(await c.closed, { code: 4099, reason: "ROOM_FULL" });
      await pushSeen(b, a, "shape:2");
      a.close();
      b.close();
    } finally {
      for (const s of idle) s.close();
      await server.stop();
    }
  });

  it("a reconnect under a connected session's id keeps its seat in a full room", async () => {
    const server = await serve({ limits: { maxSessionsPerRoom: 2 } });
    try {
      const a = await connectRaw(`${server.ws}/connect/r?sessionId=a`);
      const b = await connectRaw(`${server.ws}/connect/r?sessionId=b`);
      const again = await connectRaw(`${server.ws}/connect/r?sessionId=a`);
      await a.closed; // superseded by its own reconnect
      await pushSeen(again, b, "shape:1");
      again.close();
      b.close();
    } finally {
      await server.stop();
    }
  });

  it("sockets awaiting connect over maxPendingPerRoom are closed with 1013; connect frees a slot", async () => {
    const server = await serve({ limits: { maxPendingPerRoom: 2 } });
    try {
      const p1 = await openRaw(`${server.ws}/connect/r?sessionId=p1`);
      const p2 = await openRaw(`${server.ws}/connect/r?sessionId=p2`);
      const p3 = await openRaw(`${server.ws}/connect/r?sessionId=p3`);
      assert.deepEqual(await p3.closed, { code: 1013, reason: "Try again later" });
      p1.send(connectMessage());
      await p1.next((m) => m["type"] === "connect", "p1 connect reply");
      const p4 = await connectRaw(`${server.ws}/connect/r?sessionId=p4`);
      await pushSeen(p1, p4, "shape:1");
      for (const c of [p1, p2, p4]) c.close();
    } finally {
      await server.stop();
    }
  });

  it("127.0.0.1 and ::1 (a same-host proxy) are not capped per address unless limitLocalhost", async () => {
    for (const limitLocalhost of [false, true]) {
      const server = await serve({
        trustProxy: true,
        limitLocalhost,
        limits: { maxSocketsPerAddress: 1 },
      });
      const open: TcpWsClient[] = [];
      try {
        for (const address of ["127.0.0.1", "::1"]) {
          for (const n of [1, 2]) {
            open.push(await from(server.port, `/connect/r?sessionId=${address}${n}`, address));
          }
        }
        const other = [
          await from(server.port, "/connect/r?sessionId=o1", "127.0.0.2"),
          await from(server.port, "/connect/r?sessionId=o2", "127.0.0.2"),
        ];
        open.push(...other);
        const statuses = open.map((c) => c.status);
        assert.deepEqual(
          statuses,
          limitLocalhost ? [101, 429, 101, 429, 101, 429] : [101, 101, 101, 101, 101, 429],
          `limitLocalhost: ${limitLocalhost}`,
        );
      } finally {
        for (const c of open) c.destroy();
        await server.stop();
      }
    }
  });

  it("a client address over maxSocketsPerAddress gets HTTP 429 + Retry-After; others get in", async () => {
    const logger = captureLogger();
    const server = await serve({ trustProxy: true, logger, limits: { maxSocketsPerAddress: 2 } });
    const open: TcpWsClient[] = [];
    try {
      const x1 = await from(server.port, "/connect/r?sessionId=x1", "10.0.0.1");
      const x2 = await from(server.port, "/connect/r?sessionId=x2", "10.0.0.1");
      open.push(x1, x2);
      assert.deepEqual([x1.status, x2.status], [101, 101]);
      const x3 = await from(server.port, "/connect/r?sessionId=x3", "10.0.0.1");
      assert.equal(x3.status, 429);
      assert.match(x3.head, /retry-after: \d+/i);
      x3.destroy();
      const refused = await logger.waitFor((l) => l.event === "upgrade_refused", "refusal log");
      assert.equal(refused.level, "warn");
      assert.deepEqual(
        [refused.fields["what"], refused.fields["limit"], refused.fields["address"]],
        ["sockets_per_address", 2, "10.0.0.1"],
      );
      const y = await from(server.port, "/connect/r?sessionId=y", "10.0.0.2");
      open.push(y);
      await handshake(y);
      x1.destroy();
      await logger.waitFor(
        (l) => l.event === "connection_closed" && l.fields["sessionId"] === "x1",
        "x1 closed",
      );
      const x4 = await from(server.port, "/connect/r?sessionId=x4", "10.0.0.1");
      open.push(x4);
      assert.equal(x4.status, 101);
      await handshake(x4);
    } finally {
      for (const c of open) c.destroy();
      await server.stop();
    }
    assert.deepEqual(
      { ...server.handler.server.admission.sizes(), newRooms: 0 },
      { sockets: 0, pendingByAddress: 0, pendingByRoom: 0, pendingByAddressInRoom: 0, newRooms: 0 },
    );
  });

  it("upgrades that waited on authorize together cannot pass an address cap together", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let waiting = 0;
    let allWaiting!: () => void;
    const fourWaiting = new Promise<void>((r) => (allWaiting = r));
    const server = await serve({
      trustProxy: true,
      limits: { maxSocketsPerAddress: 2 },
      authorize: async () => {
        if (++waiting === 4) allWaiting();
        await gate;
        return true;
      },
    });
    const clients: TcpWsClient[] = [];
    try {
      const opening = [1, 2, 3, 4].map((i) =>
        from(server.port, `/connect/r?sessionId=c${i}`, "10.0.0.1")
      );
      await fourWaiting;
      release();
      clients.push(...(await Promise.all(opening)));
      assert.deepEqual(clients.map((c) => c.status).sort(), [101, 101, 429, 429]);
    } finally {
      for (const c of clients) c.destroy();
      await server.stop();
    }
  });

  it("a client address over maxPendingPerAddress gets 429 until one of its sockets connects", async () => {
    const server = await serve({ trustProxy: true, limits: { maxPendingPerAddress: 2 } });
    const open: TcpWsClient[] = [];
    try {
      open.push(await from(server.port, "/connect/r?sessionId=x1", "10.0.0.1"));
      open.push(await from(server.port, "/connect/r?sessionId=x2", "10.0.0.1"));
      const x3 = await from(server.port, "/connect/r?sessionId=x3", "10.0.0.1");
      assert.equal(x3.status, 429);
      x3.destroy();
      const other = await from(server.port, "/connect/r?sessionId=o", "10.0.0.3");
      open.push(other);
      assert.equal(other.status, 101);
      await handshake(open[0]!);
      const x4 = await from(server.port, "/connect/r?sessionId=x4", "10.0.0.1");
      open.push(x4);
      assert.equal(x4.status, 101);
      await handshake(x4);
      await handshake(other);
    } finally {
      for (const c of open) c.destroy();
      await server.stop();
    }
  });

  it("one address may hold a tenth of a room's pending slots (429 past it); other rooms and addresses get in", async () => {
    // Two addresses at their 50 pending sockets each once filled a room's 100 pending slots and
    // held every new joiner off (1013) for as long as they kept reopening.
    const server = await serve({ trustProxy: true });
    const open: TcpWsClient[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        open.push(await from(server.port, `/connect/r?sessionId=a${i}`, "10.0.0.1"));
      }
      const over = await from(server.port, "/connect/r?sessionId=a10", "10.0.0.1");
      const otherRoom = await from(server.port, "/connect/s?sessionId=s1", "10.0.0.1");
      const otherAddress = await from(server.port, "/connect/r?sessionId=b1", "10.0.0.2");
      open.push(otherRoom, otherAddress);

      assert.deepEqual(open.slice(0, 10).map((c) => c.status), Array(10).fill(101));
      assert.equal(over.status, 429);
      assert.match(over.head, /retry-after: \d+/i);
      over.destroy();
      assert.equal(otherRoom.status, 101);
      assert.equal(otherAddress.status, 101);
      await handshake(open[0]!); // a connect frees the address's slot in the room
      const again = await from(server.port, "/connect/r?sessionId=a11", "10.0.0.1");
      open.push(again);
      assert.equal(again.status, 101);
    } finally {
      for (const c of open) c.destroy();
      await server.stop();
    }
  });

  it("loading rooms that are not live is rate-limited per address (429); live rooms are not", async () => {
    const server = await serve({
      trustProxy: true,
      limits: { newRoomsPerMinute: 1, newRoomBurst: 2 },
    });
    const open: TcpWsClient[] = [];
    try {
      for (const room of ["n1", "n2"]) {
        const c = await from(server.port, `/connect/${room}?sessionId=${room}`, "10.0.0.1");
        open.push(c);
        await handshake(c); // the room is live once its first session connected
      }
      const third = await from(server.port, "/connect/n3?sessionId=n3", "10.0.0.1");
      assert.equal(third.status, 429);
      const retry = Number(/retry-after: (\d+)/i.exec(third.head)?.[1]);
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      third.destroy();
      const live = await from(server.port, "/connect/n1?sessionId=again", "10.0.0.1");
      open.push(live);
      await handshake(live);
      const other = await from(server.port, "/connect/n3?sessionId=other", "10.0.0.2");
      open.push(other);
      await handshake(other);
    } finally {
      for (const c of open) c.destroy();
      await server.stop();
    }
  });

  it("per-address maps stay bounded: counts drop to zero, refilled buckets are swept", () => {
    const time = new FakeTime();
    const admission = new Admission(resolveLimits({}), time);
    const tickets = [];
    for (let i = 0; i < 50; i++) tickets.push(admission.enter(`10.0.${i}.1`, `room${i % 5}`));
    assert.deepEqual(admission.sizes(), {
      sockets: 50,
      pendingByAddress: 50,
      pendingByRoom: 5,
      pendingByAddressInRoom: 50,
      newRooms: 0,
    });
    for (const t of tickets) t.handshakeDone();
    assert.equal(admission.sizes().pendingByAddress, 0);
    for (const t of tickets) t.release();
    for (const t of tickets) t.release(); // idempotent
    assert.deepEqual(admission.sizes(), {
      sockets: 0,
      pendingByAddress: 0,
      pendingByRoom: 0,
      pendingByAddressInRoom: 0,
      newRooms: 0,
    });
    // An unknown address (adapter without the peer) is not capped per address.
    const tight = new Admission(resolveLimits({ maxSocketsPerAddress: 1, newRoomBurst: 1 }), time);
    tight.enter(null, "room");
    assert.equal(tight.checkAddress(null), null);
    assert.equal(tight.takeNewRoom(null), null);
    assert.equal(tight.takeNewRoom(null), null);
    assert.equal(tight.sizes().sockets, 0);
    const buckets = new TokenBuckets(60, 2, time);
    for (let i = 0; i < 1023; i++) assert.ok(buckets.take(`k${i}`).ok);
    assert.equal(buckets.size, 1023);
    time.tick(60_000); // every bucket refilled
    assert.ok(buckets.take("last").ok); // the 1024th key triggers a sweep
    assert.equal(buckets.size, 1);
  });
});
