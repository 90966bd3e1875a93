import { defineConfig } from "vitest/config";
import preact from "@preact/preset-vite";

// The build lands in dist/, which webapp/embed.go embeds into the binary.
// public/.gitkeep is copied along so the committed placeholder survives
// Vite emptying dist/.
export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8080",
      "/socket.io": { target: "http://127.0.0.1:8080", ws: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
    // src/avatar.test.ts reads styles.css (?raw), which Vitest otherwise stubs out
    css: { include: [/styles\.css/] },
  },
});
