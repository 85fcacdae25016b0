import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dashboard's bundle: static files under dist/, hashed names under dist/assets/ (served with
// a year's immutable caching; index.html is revalidated every time). Everything is bundled: no
// CDN. `vite dev` proxies the API to a running `yardstick serve` on :8080.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080", "/auth": "http://127.0.0.1:8080" },
  },
});
