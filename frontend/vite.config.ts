/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build lands inside the Python package so `amp serve` (and a wheel) serves it on the API's port.
const outDir = fileURLToPath(new URL("../layers/common/amp/web", import.meta.url));

export default defineConfig({
  plugins: [react()],
  base: process.env.VITE_BASE_PATH ?? "/",
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
  },
  server: {
    host: "127.0.0.1",
    // `npm run dev` talks to a local `amp serve` (AMP_API_PROXY=http://127.0.0.1:8000 by default).
    proxy: Object.fromEntries(
      ["/jobs", "/uploads", "/health", "/files", "/openapi.json"].map((path) => [
        path,
        process.env.AMP_API_PROXY ?? "http://127.0.0.1:8000",
      ]),
    ),
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    pool: "threads",
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
  },
});
