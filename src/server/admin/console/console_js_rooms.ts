/**
 * The console script, part 3: the rooms list, one room's panel (size, sessions) and its actions
 * (export, close sessions, kick one, delete), each destructive one behind a confirmation.
 * @module
 */

/** Browser code (a part of `CONSOLE_JS`); defines functions, runs nothing. */
export const CONSOLE_JS_ROOMS: string = String.raw`
async function refreshRooms() {
  const list = await api("GET", "/admin/rooms");
  const rooms = new Map();
  for (const id of list.stored || []) rooms.set(id, { roomId: id, live: false });
  for (const r of list.live || []) rooms.set(r.roomId, Object.assign({ live: true }, r));
  state.rooms = rooms;
  $("rooms-storage").textContent = list.stored === null ? "This storage cannot list stored rooms." : "";
  renderRooms();
  if (state.room) renderRoomInfo();
}

function renderRooms() {
  const filter = $("room-filter").value.trim();
  const rows = [...state.rooms.values()]
    .filter((r) => !filter || r.roomId.includes(filter))
    .sort((a, b) => (b.live - a.live) || (a.roomId < b.roomId ? -1 : 1));
  const shown = rows.slice(0, MAX_ROWS);
  $("rooms-table").tBodies[0].replaceChildren(...shown.map((r) =>
    h("tr", { "data-room": r.roomId, class: r.roomId === state.room ? "selected" : null }, [
      h("td", null, [button(r.roomId, () => openRoom(r.roomId), { class: "link" })]),
      cell(r.live ? "live" : "stored"),
      cell(r.live ? r.sessions : "", "num"),
      cell(r.live ? r.documentClock : "", "num"),
      cell(r.live ? r.records : "", "num"),
      cell(r.live ? formatBytes(r.bytes) : ""),
    ])
  ));
  more($("rooms-more"), rows.length, shown.length);
}

function openRoom(roomId) {
  state.room = roomId;
  cancelConfirm();
  $("room").hidden = false;
  $("room-id").textContent = roomId;
  $("history").hidden = true;
  $("preview").hidden = true;
  $("sessions-table").tBodies[0].replaceChildren();
  renderRoomInfo();
  renderRooms();
  void act("Loading sessions", refreshSessions);
}

function renderRoomInfo() {
  const r = state.rooms.get(state.room);
  const facts = !r ? [["State", "not found in the list (deleted?)"]] : !r.live
    ? [["State", "stored, not loaded (Records loads it)"]]
    : [
      ["State", "live"],
      ["Document clock", r.documentClock],
      ["Records", r.records],
      ["Size", formatBytes(r.bytes)],
      ["Sessions", r.sessions],
    ];
  $("room-info").replaceChildren(...facts.flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]));
}

async function refreshSessions() {
  if (!state.room) return;
  const roomId = state.room;
  const reply = await api("GET", roomPath(roomId, "/sessions?limit=" + MAX_ROWS));
  if (state.room !== roomId) return;
  const known = state.rooms.get(roomId);
  if (known && reply.live) {
    Object.assign(known, { live: true, sessions: reply.sessions.length }, pick(reply, ["documentClock", "records", "bytes"]));
    renderRoomInfo();
    renderRooms();
  }
  $("sessions-table").tBodies[0].replaceChildren(...reply.sessions.map((s) =>
    h("tr", { "data-session": s.sessionId, "data-state": s.state }, [
      cell(s.sessionId),
      cell(s.userId),
      cell(s.userName),
      cell(s.readonly ? "yes" : "no"),
      cell(s.address),
      cell(new Date(s.connectedAt).toLocaleString()),
      cell(formatBytes(s.bytesIn)),
      cell(formatBytes(s.bytesOut)),
      cell(s.state),
      h("td", null, [button("Close", () => kick(roomId, s.sessionId))]),
    ])
  ));
  const note = reply.live ? "" : "The room is not loaded in this process: no sessions here.";
  $("sessions-more").textContent = reply.truncated ? "More sessions not shown. " + note : note;
}

function pick(source, keys) {
  const out = {};
  for (const key of keys) if (typeof source[key] === "number") out[key] = source[key];
  return out;
}

function kick(roomId, sessionId) {
  void act("Closing session", async () => {
    await api("DELETE", roomPath(roomId, "/sessions/" + encodeURIComponent(sessionId)));
    showStatus("Closed session " + sessionId + "; its client may reconnect.");
    await refreshSessions();
  });
}

/** Ask before running a destructive action; the page has one pending confirmation at most. */
function confirmThen(text, run) {
  state.pending = run;
  $("confirm-text").textContent = text;
  $("confirm").hidden = false;
  $("confirm-yes").focus();
}

function cancelConfirm() {
  state.pending = null;
  $("confirm").hidden = true;
}

function runConfirmed() {
  const run = state.pending;
  cancelConfirm();
  if (run) run();
}

function exportRoom() {
  const roomId = state.room;
  void act("Exporting", async () => {
    const res = await request("GET", roomPath(roomId));
    const blob = new Blob([await res.arrayBuffer()], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: "room-" + roomId + ".json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    showStatus("Exported room " + roomId + " (" + formatBytes(blob.size) + ").");
  });
}

function closeSessions() {
  const roomId = state.room;
  confirmThen("Close every session of room " + roomId + "? Clients reconnect at once.", () =>
    act("Closing sessions", async () => {
      const reply = await api("POST", roomPath(roomId, "/close"));
      showStatus("Closed " + reply.closedSessions + " session(s) of room " + roomId + ".");
      await refreshRooms();
      await refreshSessions();
    }));
}

function deleteRoom() {
  const roomId = state.room;
  confirmThen("Delete room " + roomId + " and everything stored for it? This cannot be undone.", () =>
    act("Deleting", async () => {
      await api("DELETE", roomPath(roomId));
      showStatus("Deleted room " + roomId + ".");
      state.room = null;
      $("room").hidden = true;
      await refreshRooms();
    }));
}
`;
