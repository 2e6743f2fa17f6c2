/**
 * The handshake: version and schema gates, then the hydration reply (`wipe_all` or
 * `wipe_presence`) with every other session's presence.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import type { RecordChange } from "../diff/record_change.ts";
import { SyncError } from "../protocol/sync_error.ts";
import { CONNECT_REPLY_PREFIX, type TLConnectRequest } from "../protocol/messages.ts";
import { ProtocolVersions } from "../protocol/version.ts";
import { changesToNetworkDiff, type DiffTarget } from "../schema/migrate_diff.ts";
import { type ClientProfile, profileClient } from "./client_profile.ts";
import { isCurrent, type RoomCore } from "./room_core.ts";
import type { Session } from "./session.ts";
import { evictSession, refuseSession } from "./session_exits.ts";
import { firstLine } from "../ports/first_line.ts";

/** Handle a `connect` message: profile the client, then hydrate it and make it live. */
export function handleConnect(core: RoomCore, session: Session, message: TLConnectRequest): void {
  const verdict = profileClient(core, message.protocolVersion, message.schema);
  session.farewell = verdict.farewell;
  if (!verdict.accepted) return refuseSession(core, session, verdict.reason);
  const profile = verdict.profile;
  let body: string;
  try {
    body = hydrationBody(core, session, profile, message.lastServerClock);
  } catch (error) {
    // A stored record cannot be migrated down to this client's schema: the client is too old.
    if (error instanceof SyncError) return refuseSession(core, session, error.reason);
    // Anything else is not the client's fault (e.g. a reply too large to build): no fatal
    // reason, so the client retries instead of being told, for good, that it is too old.
    core.logger.error("connect_failed", {
      roomId: core.roomId,
      sessionId: session.sessionId,
      error: firstLine(error),
    });
    return evictSession(core, session);
  }
  session.goLive(profile, core.time.now());
  core.liveness.wakeBy(session.deadline(core.liveness.policy));
  const clock = core.store.documentClock;
  const json = `${CONNECT_REPLY_PREFIX}${body},"connectRequestId":${
    JSON.stringify(message.connectRequestId ?? null)
  },"protocolVersion":${ProtocolVersions.spoken},"schema":${core.serverSchemaJson},"serverClock":${clock},"isReadonly":${session.isReadonly},"objectAccess":"write"}`;
  core.gate.run(clock, () => {
    if (isCurrent(core, session) && session.isLive) session.outbox.send(json);
  });
}

/** `"hydrationType":…,"diff":{…}` for this session. */
function hydrationBody(
  core: RoomCore,
  session: Session,
  profile: ClientProfile,
  lastServerClock: unknown,
): string {
  const since = typeof lastServerClock === "number" && Number.isFinite(lastServerClock)
    ? lastServerClock
    : -1;
  const changes = core.store.getChangesSince(since);
  const target = profile.diffTarget;
  const parts: string[] = [];
  const presence = otherPresence(core, session);
  if (presence.size > 0) {
    const diff = changesToNetworkDiff(core.schema, presence, target);
    if (diff) parts.push(JSON.stringify(diff).slice(1, -1));
  }
  if (changes) {
    const docs = changes.wipeAll
      ? cachedFullState(core, profile)
      : incremental(core, changes, target);
    if (docs) parts.push(docs);
  }
  const type = changes?.wipeAll ? "wipe_all" : "wipe_presence";
  return `"hydrationType":"${type}","diff":{${parts.join(",")}}`;
}

function incremental(
  core: RoomCore,
  changes: { puts: UnknownRecord[]; deletes: string[] },
  target: DiffTarget,
): string {
  const map = new Map<string, RecordChange>();
  for (const record of changes.puts) map.set(record.id, { before: undefined, after: record });
  const diff = changesToNetworkDiff(core.schema, map, target) ?? {};
  for (const id of changes.deletes) diff[id] = ["remove"];
  return JSON.stringify(diff).slice(1, -1);
}

/**
 * Most full-state bodies kept per clock, one per audience (the server's schema with and without
 * append ops, and a couple of older client schemas). Each may be as large as the room; without a
 * bound, connects that each name a different schema made the server keep one more copy of a 64
 * MiB room per connect until it ran out of memory.
 */
const MAX_CACHED_AUDIENCES = 4;

/** The full document state, serialized once per clock and diff key (for the first few keys). */
function cachedFullState(core: RoomCore, profile: ClientProfile): string {
  const clock = core.store.documentClock;
  if (core.hydrationCache.clock !== clock) core.hydrationCache = { clock, bodies: new Map() };
  const bodies = core.hydrationCache.bodies;
  const cached = bodies.get(profile.audience);
  if (cached !== undefined) return cached;
  const changes = core.store.getChangesSince(-1)!;
  const body = incremental(core, changes, profile.diffTarget);
  if (bodies.size < MAX_CACHED_AUDIENCES) bodies.set(profile.audience, body);
  return body;
}

function otherPresence(core: RoomCore, session: Session): Map<string, RecordChange> {
  const out = new Map<string, RecordChange>();
  for (const [id, record] of core.presence) {
    if (id !== session.presenceId) out.set(id, { before: undefined, after: record });
  }
  return out;
}
