// Test-only: the few browser globals the official tldraw client touches outside a browser.
const g = globalThis as Record<string, unknown>;
if (typeof g["requestAnimationFrame"] !== "function") {
  g["requestAnimationFrame"] = (cb: (t: number) => void) =>
    setTimeout(() => cb(performance.now()), 16);
  g["cancelAnimationFrame"] = (id: number) => clearTimeout(id);
}
export {};
// ClientWebSocketAdapter listens for reconnect hints on window and document.
if (typeof g["window"] === "undefined") {
  g["window"] = Object.assign(new EventTarget(), { devicePixelRatio: 1 });
}
if (typeof g["document"] === "undefined") {
  g["document"] = Object.assign(new EventTarget(), { hidden: false });
}
