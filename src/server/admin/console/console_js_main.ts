/**
 * The console script, part 5: sign in and out (the token lives in sessionStorage only), the
 * polling loop (stats every 2 s, the open room's sessions, the rooms list every 10 s), error
 * reporting, and the event wiring. Runs once the page has loaded.
 * @module
 */

/** Browser code (a part of `CONSOLE_JS`); the only part that runs on load. */
export const CONSOLE_JS_MAIN: string = String.raw`
const POLL_MS = 2000;
const ROOMS_EVERY = 5;

/** Run an action, reporting failures; a refused token signs out. */
async function act(label, fn) {
  try {
    await fn();
  } catch (error) {
    reportError(label, error);
  }
}

function reportError(label, error) {
  if (error instanceof ApiError && error.status === 401 && state.token) {
    signOut("The server refused the token (401 Unauthorized): sign in again.");
    return;
  }
  showStatus(label + " failed: " + (error && error.message ? error.message : String(error)), true);
}

async function signIn(token) {
  state.token = token;
  try {
    await refreshRooms();
  } catch (error) {
    const wrong = error instanceof ApiError && error.status === 401;
    signOut(wrong
      ? "Wrong token: the server refused it (401 Unauthorized)."
      : "Cannot reach the admin API: " + (error && error.message ? error.message : String(error)));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $("login").hidden = true;
  $("app").hidden = false;
  $("signout").hidden = false;
  showStatus("Signed in.");
  state.tick = 0;
  void poll();
}

/** Forget the token and every piece of data on the page. */
function signOut(message) {
  state.token = null;
  state.room = null;
  state.rooms = new Map();
  state.samples = [];
  state.lastStats = null;
  clearTimeout(state.timer);
  sessionStorage.removeItem(TOKEN_KEY);
  cancelConfirm();
  for (const id of ["rooms-table", "sessions-table", "history-table", "type-counts", "records-table"]) {
    $(id).tBodies[0].replaceChildren();
  }
  $("totals").replaceChildren();
  $("app").hidden = true;
  $("room").hidden = true;
  $("signout").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message || "";
  showStatus("");
  $("token").value = "";
  $("token").focus();
}

async function poll() {
  clearTimeout(state.timer);
  if (!state.token) return;
  const tick = state.tick++;
  await act("Reading stats", async () => renderStats(await api("GET", "/admin/stats")));
  if (state.token && state.room) await act("Reading sessions", refreshSessions);
  if (state.token && tick > 0 && tick % ROOMS_EVERY === 0) await act("Reading rooms", refreshRooms);
  if (state.token) state.timer = setTimeout(poll, POLL_MS);
}

function start() {
  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token").value.trim();
    if (token) void signIn(token);
  });
  $("signout").addEventListener("click", () => signOut("Signed out."));
  $("refresh").addEventListener("click", () => act("Reading rooms", refreshRooms));
  $("room-filter").addEventListener("input", renderRooms);
  $("export").addEventListener("click", exportRoom);
  $("records").addEventListener("click", previewNow);
  $("show-history").addEventListener("click", () => showHistory(false));
  $("close-sessions").addEventListener("click", closeSessions);
  $("delete-room").addEventListener("click", deleteRoom);
  $("confirm-yes").addEventListener("click", runConfirmed);
  $("confirm-no").addEventListener("click", cancelConfirm);
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) void signIn(saved);
  else $("token").focus();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
`;
