/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// A local build lands inside the Python package, so `amp serve` (and a wheel) serves it on the API's
// port. A cloud build (VITE_API_BASE_URL set, see README.md, "Deploying to AWS") goes to frontend/dist for the S3
// bucket and leaves the local one alone. AMP_WEB_OUT_DIR overrides both.
const outDir =
  process.env.AMP_WEB_OUT_DIR ??
  (process.env.VITE_API_BASE_URL
    ? fileURLToPath(new URL("./dist", import.meta.url))
    : fileURLToPath(new URL("../layers/common/amp/web", import.meta.url)));

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
