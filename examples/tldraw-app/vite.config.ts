import process from "node:process";
import { defineConfig } from "vite";

const syncServer = process.env.SYNC_SERVER ?? "http://127.0.0.1:8787";

// JSX is compiled by Vite's built-in transformer (automatic runtime, see tsconfig.json); no
// React plugin is needed for a production build.
export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      onwarn(warning, warn) {
        // Libraries' "use client" directives mean nothing in a client-only bundle.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  // @tldraw/assets imports its files with `?url`, which the dev-mode dependency optimizer can't load.
  optimizeDeps: { exclude: ["@tldraw/assets"] },
  server: {
    // `npm run dev`: the sync server runs separately (`deno task example` or `deno task start`,
    // or set SYNC_SERVER); the dev server forwards the sync socket, uploads and unfurl to it.
    proxy: {
      "/connect": { target: syncServer.replace(/^http/, "ws"), ws: true },
      "/uploads": syncServer,
      "/unfurl": syncServer,
    },
  },
});
