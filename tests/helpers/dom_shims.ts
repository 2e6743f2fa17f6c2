// Test-only: the few browser globals the official tldraw client touches outside a browser.
const g = globalThis as Record<string, unknown>;
if (typeof g["requestAnimationFrame"] !== "function") {
  g["requestAnimationFrame"] = (cb: (t: number) => void) =>
    setTimeout(() => cb(performance.now()), 16);
  g["cancelAnimationFrame"] = (id: number) => clearTimeout(id);
}
export {};
