/**
 * The handshake: version and schema gates, then the hydration reply (`wipe_all` or
 * `wipe_presence`) with every other session's presence.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";
import type { RecordChange } from "../diff/record_change.ts";
import { CloseReason } from "../protocol/close_reason.ts";
import type { TLConnectRequest } from "../protocol/messages.ts";
import { ProtocolVersions } from "../protocol/version.ts";
import { changesToNetworkDiff, type DiffTarget } from "../schema/migrate_diff.ts";
import { judgeClientSchema } from "../schema/judge_client_schema.ts";
import { isCurrent, type RoomCore } from "./room_core.ts";
import { type Session, SessionState } from "./session.ts";
import { rejectSession } from "./session_lifecycle.ts";

/** Handle a `connect` message. */
export function handleConnect(core: RoomCore, session: Session, message: TLConnectRequest): void {
  const version = message.protocolVersion;
  if (typeof version !== "number" || !(version >= ProtocolVersions.oldestAccepted)) {
    return rejectSession(core, session, CloseReason.CLIENT_TOO_OLD);
  }
  if (version > ProtocolVersions.spoken) {
    return rejectSession(core, session, CloseReason.SERVER_TOO_OLD);
  }
  session.requiresLegacyRejection = version <= 6;
  session.supportsStringAppend = version >= ProtocolVersions.textAppendsFrom;

  const verdict = judgeClientSchema(core.schema, core.serverSchema, message.schema);
  if (verdict.kind === "client_too_old") {
    return rejectSession(core, session, CloseReason.CLIENT_TOO_OLD);
  }
  if (verdict.kind === "server_too_old") {
    return rejectSession(core, session, CloseReason.SERVER_TOO_OLD);
  }
  session.sessionSchema = verdict.kind === "migratable" ? verdict.clientSchema : undefined;
  session.diffKey = diffKeyOf(session);

  let body: string;
  try {
    body = hydrationBody(core, session, message.lastServerClock);
  } catch {
    // A stored record cannot be migrated down to this client's schema.
    return rejectSession(core, session, CloseReason.CLIENT_TOO_OLD);
  }
  session.state = SessionState.Connected;
  session.lastInteractionTime = core.time.now();
  const clock = core.store.documentClock;
  const json = `{"type":"connect",${body},"connectRequestId":${
    JSON.stringify(message.connectRequestId ?? null)
  },"protocolVersion":${ProtocolVersions.spoken},"schema":${core.serverSchemaJson},"serverClock":${clock},"isReadonly":${session.isReadonly},"objectAccess":"write"}`;
  core.gate.run(clock, () => {
    if (isCurrent(core, session) && session.isConnected) session.outbox.send(json);
  });
}

/** `"hydrationType":…,"diff":{…}` for this session. */
function hydrationBody(core: RoomCore, session: Session, lastServerClock: unknown): string {
  const since = typeof lastServerClock === "number" && Number.isFinite(lastServerClock)
    ? lastServerClock
    : -1;
  const changes = core.store.getChangesSince(since);
  const target = diffTarget(session);
  const parts: string[] = [];
  const presence = otherPresence(core, session);
  if (presence.size > 0) {
    const diff = changesToNetworkDiff(core.schema, presence, target);
    if (diff) parts.push(JSON.stringify(diff).slice(1, -1));
  }
  if (changes) {
    const docs = changes.wipeAll
      ? cachedFullState(core, session)
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

/** The full document state, serialized once per clock and diff key. */
function cachedFullState(core: RoomCore, session: Session): string {
  const clock = core.store.documentClock;
  if (core.hydrationCache.clock !== clock) core.hydrationCache = { clock, bodies: new Map() };
  const cached = core.hydrationCache.bodies.get(session.diffKey);
  if (cached !== undefined) return cached;
  const changes = core.store.getChangesSince(-1)!;
  const body = incremental(core, changes, diffTarget(session));
  core.hydrationCache.bodies.set(session.diffKey, body);
  return body;
}

function otherPresence(core: RoomCore, session: Session): Map<string, RecordChange> {
  const out = new Map<string, RecordChange>();
  for (const [id, record] of core.presence) {
    if (id !== session.presenceId) out.set(id, { before: undefined, after: record });
  }
  return out;
}

function diffTarget(session: Session): DiffTarget {
  return {
    legacyAppend: !session.supportsStringAppend,
    ...(session.sessionSchema ? { sessionSchema: session.sessionSchema } : {}),
  };
}

function diffKeyOf(session: Session): string {
  const schema = session.sessionSchema ? JSON.stringify(session.sessionSchema) : "";
  return `${session.supportsStringAppend ? 8 : 7}|${schema}`;
}
