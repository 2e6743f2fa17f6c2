import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Farewell, profileClient } from "../../src/room/client_profile.ts";
import { livenessPolicy } from "../../src/room/liveness_policy.ts";
import { LivenessScheduler } from "../../src/room/liveness_scheduler.ts";
import { Session, SessionPhase } from "../../src/room/session.ts";
import { FakeTime } from "../../src/testing/fake_time.ts";
import { TestSocket } from "../../src/testing/test_socket.ts";
import { sharedDefaultSchema } from "../../src/schema/shared_schema.ts";
import type { AnyStoreSchema } from "../../src/schema/any_store_schema.ts";
import { serverSchema } from "../helpers/records.ts";

function sessionAt(time: FakeTime, sessionId: string): Session {
  return new Session({
    sessionId,
    socket: new TestSocket(),
    presenceId: null,
    isReadonly: false,
    meta: null,
    identity: undefined,
    maxMessageBytes: 1024,
    time,
    onDead: () => {},
  });
}

function scheduler(time: FakeTime, sessions: Map<string, Session>, expired: string[]) {
  const policy = livenessPolicy(20_000);
  const liveness = new LivenessScheduler(time, policy, sessions, {
    expire: (session) => {
      expired.push(session.sessionId);
      sessions.delete(session.sessionId);
    },
  });
  const add = (session: Session): void => {
    sessions.set(session.sessionId, session);
    liveness.wakeBy(session.deadline(policy));
  };
  return { liveness, policy, add };
}

describe("LivenessScheduler", () => {
  it("keeps one timer for many sessions and expires each at its own deadline", () => {
    const time = new FakeTime();
    const sessions = new Map<string, Session>();
    const expired: string[] = [];
    const { add } = scheduler(time, sessions, expired);
    add(sessionAt(time, "a"));
    time.tick(4_000);
    add(sessionAt(time, "b"));
    const timers = time.pending;

    time.tick(6_000);
    const afterFirst = [...expired];
    time.tick(4_000);

    assert.equal(timers, 1);
    assert.deepEqual(afterFirst, ["a"]);
    assert.deepEqual(expired, ["a", "b"]);
    assert.equal(time.pending, 0);
  });

  it("a client that spoke pushes its idle deadline back without new timers", () => {
    const time = new FakeTime();
    const sessions = new Map<string, Session>();
    const expired: string[] = [];
    const { add, liveness, policy } = scheduler(time, sessions, expired);
    const session = sessionAt(time, "a");
    session.goLive(profileOf(8), time.now());
    add(session);

    time.tick(15_000);
    session.markSeen(time.now());
    time.tick(10_000);
    const stillThere = expired.length === 0;
    time.tick(10_001);

    assert.equal(stillThere, true);
    assert.deepEqual(expired, ["a"]);
    assert.equal(session.deadline(policy), session.lastSeenAt + 20_000);
    liveness.stop();
  });

  it("a session whose socket closed is expired at the next wake", () => {
    const time = new FakeTime();
    const sessions = new Map<string, Session>();
    const expired: string[] = [];
    const { add } = scheduler(time, sessions, expired);
    const quiet = sessionAt(time, "quiet");
    add(quiet);
    time.tick(1_000);
    const gone = sessionAt(time, "gone");
    add(gone);
    gone.socket.close();

    time.tick(9_000);

    assert.deepEqual(expired.sort(), ["gone", "quiet"]);
  });

  it("stop() cancels the timer for good", () => {
    const time = new FakeTime();
    const expired: string[] = [];
    const { add, liveness } = scheduler(time, new Map(), expired);
    add(sessionAt(time, "a"));

    liveness.stop();
    liveness.wakeBy(time.now());
    time.tick(60_000);

    assert.deepEqual(expired, []);
    assert.equal(time.pending, 0);
  });
});

describe("Session phases", () => {
  it("handshaking → live → parked, each with its own deadline", () => {
    const time = new FakeTime();
    const policy = livenessPolicy(20_000);
    const session = sessionAt(time, "a");
    const opened = time.now();
    const handshake = session.deadline(policy);

    time.tick(1_000);
    session.goLive(profileOf(8), time.now());
    const idle = session.deadline(policy);
    time.tick(1_000);
    const parkedFirst = session.park(time.now());
    const parkedAgain = session.park(time.now());

    assert.equal(handshake, opened + 10_000);
    assert.equal(idle, opened + 1_000 + 20_000);
    assert.equal(session.phase, SessionPhase.Parked);
    assert.deepEqual([parkedFirst, parkedAgain], [true, false]);
    assert.equal(session.deadline(policy), opened + 2_000 + 5_000);
  });

  it("a live session that handshakes again takes the new profile; a parked one stays parked", () => {
    const time = new FakeTime();
    const session = sessionAt(time, "a");
    session.goLive(profileOf(8), time.now());

    session.goLive(profileOf(7), time.now());
    const afterRehandshake = session.profile.appendOps;
    session.park(time.now());
    session.goLive(profileOf(8), time.now());

    assert.equal(afterRehandshake, false);
    assert.equal(session.phase, SessionPhase.Parked);
  });

  it("clientTimeout 0 means a live session is never parked for silence", () => {
    assert.equal(livenessPolicy(0).idleMs, Infinity);
    assert.equal(livenessPolicy(Infinity).idleMs, Infinity);
  });
});

describe("profileClient()", () => {
  const server = {
    schema: sharedDefaultSchema() as AnyStoreSchema,
    serverSchema,
  };

  it("v8 appends; v7 gets puts; both refuse with 4099; same schema needs no migration", () => {
    const v8 = profileClient(server, 8, serverSchema);
    const v7 = profileClient(server, 7, serverSchema);

    assert.ok(v8.accepted && v7.accepted);
    assert.equal(v8.profile.appendOps, true);
    assert.equal(v7.profile.appendOps, false);
    assert.equal(v8.profile.clientSchema, null);
    assert.notEqual(v8.profile.audience, v7.profile.audience);
    const again = profileClient(server, 8, structuredClone(serverSchema));
    assert.equal(again.accepted && again.profile.audience, v8.profile.audience);
    assert.deepEqual([v8.farewell, v7.farewell], [Farewell.Close4099, Farewell.Close4099]);
  });

  it("v5 and v6 are accepted but refused the legacy way", () => {
    for (const version of [5, 6]) {
      assert.equal(profileClient(server, version, serverSchema).farewell, Farewell.LegacyMessage);
    }
  });

  it("a missing, too old or too new version is refused with a 4099 reason", () => {
    assert.deepEqual(
      [undefined, 4, 9].map((v) => profileClient(server, v, serverSchema)),
      [
        { accepted: false, farewell: Farewell.Close4099, reason: "CLIENT_TOO_OLD" },
        { accepted: false, farewell: Farewell.Close4099, reason: "CLIENT_TOO_OLD" },
        { accepted: false, farewell: Farewell.Close4099, reason: "SERVER_TOO_OLD" },
      ],
    );
  });
});

function profileOf(version: number) {
  const verdict = profileClient(
    { schema: sharedDefaultSchema() as AnyStoreSchema, serverSchema },
    version,
    serverSchema,
  );
  if (!verdict.accepted) throw new Error("profile refused");
  return verdict.profile;
}
