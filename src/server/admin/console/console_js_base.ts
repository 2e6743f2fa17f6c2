/**
 * The console script, part 1: shared state, DOM building (text only, never HTML), formatting and
 * the admin API client (`Authorization: Bearer`, no cookies).
 * @module
 */

/** Browser code (a part of `CONSOLE_JS`); defines functions, runs nothing. */
export const CONSOLE_JS_BASE: string = String.raw`
const TOKEN_KEY = "tlsync-admin-token";
const MAX_ROWS = 500;
const state = {
  token: null,
  room: null,
  rooms: new Map(),
  timer: 0,
  tick: 0,
  samples: [],
  lastStats: null,
  pending: null,
};

function $(id) {
  return document.getElementById(id);
}

/** An element; props.text becomes textContent, other props attributes; children appended as text or nodes. */
function h(tag, props, children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key === "onclick") el.addEventListener("click", value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children || []) el.append(child);
  return el;
}

function cell(value, cls) {
  return h("td", { text: value === undefined || value === null ? "" : value, class: cls });
}

function button(label, onclick, attrs) {
  return h("button", Object.assign({ type: "button", text: label, onclick }, attrs || {}));
}

/** The "showing N of M" note under a capped table. */
function more(el, total, shown) {
  el.textContent = total > shown ? "Showing " + shown + " of " + total + " (more not shown)." : "";
}

function formatBytes(n) {
  if (typeof n !== "number") return "";
  if (n < 1024) return n + " B";
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return value.toFixed(1) + " " + units[i];
}

function formatNumber(n, digits) {
  return typeof n === "number" && isFinite(n) ? n.toFixed(digits) : "–";
}

function showStatus(message, isError) {
  const el = $("status");
  el.textContent = message;
  el.className = isError ? "error" : "";
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function roomPath(roomId, rest) {
  return "/admin/rooms/" + encodeURIComponent(roomId) + (rest || "");
}

/** A request to the admin API with the token; non-2xx answers throw an ApiError. */
async function request(method, path, body) {
  if (!state.token) throw new ApiError(401, "unauthorized", "Not signed in.");
  const headers = { authorization: "Bearer " + state.token };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
    credentials: "omit",
    redirect: "error",
  });
  if (res.ok) return res;
  let reply = null;
  try {
    reply = await res.json();
  } catch {
    reply = null;
  }
  const code = reply && typeof reply.error === "string" ? reply.error : "http_" + res.status;
  const message = reply && typeof reply.message === "string" ? reply.message : "HTTP " + res.status;
  throw new ApiError(res.status, code, message.slice(0, 300));
}

async function api(method, path, body) {
  const res = await request(method, path, body);
  return await res.json();
}
`;
