// Shared by the browser tests (run.mjs) and the screenshot script: a real `amp serve` on a free
// loopback port with its own data dir, and Debian's chromium driven by playwright-core.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CHROMIUM = process.env.AMP_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Starts `amp serve --port 0` (the built SPA included) and resolves once it prints its URL.
 * @returns {Promise<{ baseUrl: string, stop: () => Promise<void>, dataDir: string }>}
 */
export async function startServer({ startupTimeoutMs = 60_000 } = {}) {
  const amp = process.env.AMP_BIN ?? join(REPO_ROOT, ".venv", "bin", "amp");
  if (!existsSync(amp)) throw new Error(`${amp} not found: run bash scripts/setup first`);
  if (!existsSync(join(REPO_ROOT, "layers", "common", "amp", "web", "index.html"))) {
    throw new Error("the web app is not built: run `npm run build` in frontend/ (bash scripts/setup does)");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "amp-e2e-"));
  const child = spawn(amp, ["serve", "--host", "127.0.0.1", "--port", "0"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      AMP_DATA_DIR: dataDir,
      AMP_BACKEND: "local",
      NUMBA_CACHE_DIR: process.env.NUMBA_CACHE_DIR ?? join(REPO_ROOT, ".numba_cache"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const baseUrl = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`amp serve did not start in time:\n${output}`)), startupTimeoutMs);
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /AMP serving on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`amp serve exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { baseUrl, stop, dataDir };
}

/** Debian's chromium, headless, sandbox-free, offline; playwright gives it a fresh temporary profile. */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
  const close = () => browser.close();
  return { browser, close };
}

/**
 * A tiny RIFF/WAVE reader: checks the header and chunk sizes and returns the format.
 * @param {Buffer} bytes
 */
export function parseWav(bytes) {
  /** @param {string} why @returns {never} */
  const fail = (why) => {
    throw new Error(`not a valid WAV: ${why}`);
  };
  if (bytes.length < 44) fail(`only ${bytes.length} bytes`);
  if (bytes.toString("ascii", 0, 4) !== "RIFF") fail("no RIFF tag");
  if (bytes.toString("ascii", 8, 12) !== "WAVE") fail("no WAVE tag");
  const riffSize = bytes.readUInt32LE(4);
  if (riffSize + 8 !== bytes.length) fail(`RIFF size ${riffSize} + 8 != file size ${bytes.length}`);
  let offset = 12;
  /** @type {{audioFormat: number, channels: number, sampleRate: number, byteRate: number, blockAlign: number, bitsPerSample: number} | null} */
  let format = null;
  /** @type {number | null} */
  let dataBytes = null;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString("ascii", offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (body + size > bytes.length) fail(`chunk ${id} runs past the end`);
    if (id === "fmt ") {
      format = {
        audioFormat: bytes.readUInt16LE(body),
        channels: bytes.readUInt16LE(body + 2),
        sampleRate: bytes.readUInt32LE(body + 4),
        byteRate: bytes.readUInt32LE(body + 8),
        blockAlign: bytes.readUInt16LE(body + 12),
        bitsPerSample: bytes.readUInt16LE(body + 14),
      };
    } else if (id === "data") {
      dataBytes = size;
    }
    offset = body + size + (size % 2);
  }
  if (!format) return fail("no fmt chunk");
  if (dataBytes === null) return fail("no data chunk");
  if (![1, 3, 0xfffe].includes(format.audioFormat)) fail(`format tag ${format.audioFormat}`);
  if (format.channels < 1 || format.channels > 8) fail(`${format.channels} channels`);
  if (format.blockAlign !== (format.channels * format.bitsPerSample) / 8) fail("block align does not match");
  if (format.byteRate !== format.sampleRate * format.blockAlign) fail("byte rate does not match");
  if (dataBytes % format.blockAlign !== 0) fail("data is not whole frames");
  return { ...format, frames: dataBytes / format.blockAlign, durationS: dataBytes / format.byteRate };
}
