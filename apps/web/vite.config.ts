// The web app's build. VITE_API_URL (read by the app at build time) names the API; unset, the
// app calls its own origin's /trpc, which the dev server proxies to the API on :3001.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

import { serverCodeGuard } from "./server-code-guard.js";

export default defineConfig({
  plugins: [react(), serverCodeGuard()],
  resolve: { conditions: ["source"] },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/trpc": "http://127.0.0.1:3001" },
  },
});
