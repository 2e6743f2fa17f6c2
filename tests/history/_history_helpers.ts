// Test-only: compare rooms by their documents, and check every restore point reads back.
import assert from "node:assert/strict";
import type { RoomHistory } from "../../src/storage/room_history.ts";
import type { RoomSnapshot } from "../../src/storage/storage.ts";

/** The documents of a snapshot, sorted, as one string. */
export function canon(snapshot: RoomSnapshot | undefined): string {
  const docs = (snapshot?.documents ?? []).map((d) => [d.state.id, d.state] as const);
  return JSON.stringify(docs.sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

/** Every listed point reads back as `states` recorded it; returns how many points. */
export async function assertReadsBack(
  history: RoomHistory,
  states: Map<number, string>,
): Promise<number> {
  const { points } = await history.points();
  for (const p of points) {
    assert.equal(canon(await history.at(p.clock)), states.get(p.clock), `clock ${p.clock}`);
  }
  return points.length;
}
