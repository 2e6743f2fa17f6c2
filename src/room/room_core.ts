/**
 * The room's internal state shared by its handlers. Not exported from the package.
 * @module
 */
import type { RecordType, SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { AnyStoreSchema } from "../schema/any_store_schema.ts";
import type { CommitScheduler } from "./commit_scheduler.ts";
import type { DocumentStore } from "./document_store.ts";
import type { DurabilityGate } from "./durability_gate.ts";
import type { LivenessAlarm } from "./liveness_policy.ts";
import type { EventChannel } from "../ports/event_channel.ts";
import type { RoomEventMap } from "./room_events.ts";
import type { Logger } from "../ports/logger.ts";
import type { ResolvedRoomLimits } from "./room_limits.ts";
import type { RoomSize } from "./room_size.ts";
import type { Session } from "./session.ts";
import type { TimeSource } from "../ports/time_source.ts";

/** Called after a session is fully removed. */
export type SessionRemovedHandler = (
  info: { sessionId: string; numSessionsRemaining: number; meta: unknown },
) => void;

/** Everything the handlers share. */
export interface RoomCore {
  readonly roomId: string;
  readonly schema: AnyStoreSchema;
  readonly serverSchema: SerializedSchema;
  readonly serverSchemaJson: string;
  readonly store: DocumentStore;
  readonly presence: Map<string, UnknownRecord>;
  readonly presenceType: RecordType<UnknownRecord, never> | null;
  readonly sessions: Map<string, Session>;
  readonly time: TimeSource;
  readonly logger: Logger;
  /** The room's events (`Room.events`), forwarded to the host's sink. */
  readonly events: EventChannel<RoomEventMap>;
  readonly gate: DurabilityGate;
  readonly commits: CommitScheduler;
  /** Session deadlines: handlers tell it when one moves closer. */
  readonly liveness: LivenessAlarm;
  /** Record and room caps. */
  readonly limits: ResolvedRoomLimits;
  /** Running serialized size of the documents. */
  readonly size: RoomSize;
  /** Cache of serialized hydration bodies: key → JSON object body without braces. */
  hydrationCache: { clock: number; bodies: Map<string, string> };
  onSessionRemoved: SessionRemovedHandler;
  /** A push was refused for a cap (`reason` from `LimitExceeded`). */
  onPushRejected(sessionId: string, reason: string): void;
}

/** True when `session` is still the room's session for its id. */
export function isCurrent(core: RoomCore, session: Session): boolean {
  return core.sessions.get(session.sessionId) === session;
}
