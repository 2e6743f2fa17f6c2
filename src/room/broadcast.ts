/**
 * Send committed changes to every other connected session. Sessions that need the same diff
 * (same audience: schema and append support, see `ClientProfile`) share one computed and serialized message.
 * @module
 */
import type { RecordChange } from "../diff/record_change.ts";
import { changesToNetworkDiff } from "../schema/migrate_diff.ts";
import { isCurrent, type RoomCore } from "./room_core.ts";
import type { Session } from "./session.ts";

/**
 * Broadcast `changes` (documents and presence together) at `clock`, skipping `exclude`.
 * Returns the sessions the change could not be migrated to; the caller rejects them.
 */
export function broadcastChanges(
  core: RoomCore,
  changes: Map<string, RecordChange>,
  clock: number,
  exclude?: Session,
): Session[] {
  const failed: Session[] = [];
  if (changes.size === 0) return failed;
  const groups = new Map<string, Session[]>();
  for (const session of core.sessions.values()) {
    if (session === exclude || !session.isLive) continue;
    const group = groups.get(session.profile.audience);
    if (group) group.push(session);
    else groups.set(session.profile.audience, [session]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    let json: string | null;
    try {
      const diff = changesToNetworkDiff(core.schema, changes, first.profile.diffTarget);
      json = diff ? JSON.stringify({ type: "patch", diff, serverClock: clock }) : null;
    } catch {
      // These sessions cannot receive this change at their schema version.
      failed.push(...group);
      continue;
    }
    if (json === null) continue;
    const message = json;
    core.gate.run(clock, (released) => {
      for (const session of group) {
        if (session.isLive && isCurrent(core, session)) session.outbox.sendData(message, released);
      }
    });
  }
  return failed;
}
