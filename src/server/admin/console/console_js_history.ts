/**
 * The console script, part 4: a room's restore points (`GET /admin/rooms/:id/history`), a
 * preview of the room at one of them or now (record type counts and a capped record table, no
 * embedded editor) and restore (`POST /admin/rooms/:id/restore`, confirmed first).
 * @module
 */

/** Browser code (a part of `CONSOLE_JS`); defines functions, runs nothing. */
export const CONSOLE_JS_HISTORY: string = String.raw`
function showHistory(quiet) {
  const roomId = state.room;
  void act("Loading history", async () => {
    const reply = await api("GET", roomPath(roomId, "/history?limit=" + MAX_ROWS));
    if (state.room !== roomId) return;
    const points = reply.points.slice().reverse(); // newest first
    $("history-table").tBodies[0].replaceChildren(...points.map((p) =>
      h("tr", { "data-clock": p.clock }, [
        cell(p.clock, "num"),
        cell(new Date(p.time).toLocaleString()),
        cell(p.records, "num"),
        cell(formatBytes(p.bytes)),
        cell((p.authors || []).join(", ")),
        cell(p.kind),
        h("td", null, [
          button("Preview", () => previewAt(roomId, p.clock)),
          button("Restore", () => restoreTo(roomId, p)),
        ]),
      ])
    ));
    $("history-more").textContent = reply.truncated ? "Older restore points not shown." : "";
    $("history").hidden = false;
    if (!quiet) showStatus(points.length + " restore point(s) of room " + roomId + ".");
  });
}

function previewAt(roomId, clock) {
  void act("Loading the room at clock " + clock, async () => {
    const snapshot = await api("GET", roomPath(roomId, "/history/" + encodeURIComponent(clock)));
    if (state.room === roomId) renderPreview("Room " + roomId + " at clock " + clock, snapshot);
  });
}

function previewNow() {
  const roomId = state.room;
  void act("Loading records", async () => {
    const snapshot = await api("GET", roomPath(roomId));
    if (state.room === roomId) renderPreview("Room " + roomId + " now", snapshot);
  });
}

function recordSummary(record) {
  const props = record && typeof record === "object" ? record.props || record.name || "" : "";
  const text = typeof props === "string" ? props : JSON.stringify(props);
  return text.length > 120 ? text.slice(0, 119) + "…" : text;
}

function renderPreview(title, snapshot) {
  const documents = Array.isArray(snapshot.documents) ? snapshot.documents : [];
  const counts = new Map();
  for (const doc of documents) {
    const type = String((doc.state && doc.state.typeName) || "?");
    counts.set(type, (counts.get(type) || 0) + 1);
  }
  const types = [...counts].sort((a, b) => b[1] - a[1]);
  $("preview-title").textContent = title + ": " + documents.length + " record(s)";
  $("type-counts").tBodies[0].replaceChildren(...types.slice(0, MAX_ROWS).map(([type, n]) =>
    h("tr", { "data-type": type }, [cell(type), cell(n, "num")])
  ));
  const shown = documents.slice(0, MAX_ROWS);
  $("records-table").tBodies[0].replaceChildren(...shown.map((doc) =>
    h("tr", { "data-record": doc.state && doc.state.id }, [
      cell(doc.state && doc.state.id),
      cell(doc.state && doc.state.typeName),
      cell(doc.lastChangedClock, "num"),
      cell(recordSummary(doc.state)),
    ])
  ));
  more($("records-more"), documents.length, shown.length);
  $("preview").hidden = false;
}

function restoreTo(roomId, point) {
  const when = new Date(point.time).toLocaleString();
  confirmThen(
    "Restore room " + roomId + " to clock " + point.clock + " (" + when + ")? Connected clients " +
      "receive the change; the restore is itself a new restore point and can be undone.",
    () => act("Restoring", async () => {
      const reply = await api("POST", roomPath(roomId, "/restore"), { at: point.clock });
      showStatus(
        "Restored room " + roomId + " from clock " + reply.restoredFrom + "; new clock " + reply.clock + ".",
      );
      await refreshRooms();
      if (state.room === roomId) showHistory(true);
    }),
  );
}
`;
