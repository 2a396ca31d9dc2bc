// Regenerates docs/screenshots/*.png from a real local run: `amp serve` with a fresh data dir, real
// jobs (one finished, one failed, one cancelled, one running), and Debian's chromium.
// Usage: node e2e/screenshots.mjs   (or bash scripts/screenshots from the repo root)
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { launchBrowser, REPO_ROOT, startServer } from "./lib.mjs";

const OUT = join(REPO_ROOT, "docs", "screenshots");
const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** @param {string} baseUrl @param {string} method @param {string} path @param {unknown} [body] */
async function api(baseUrl, method, path, body) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** @param {string} baseUrl @param {string} id @param {(job: any) => boolean} done */
async function waitFor(baseUrl, id, done, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await api(baseUrl, "GET", `/jobs/${id}`);
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} stuck at ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const server = await startServer({ startupTimeoutMs: 180_000 }); // a loaded machine starts slowly
const chrome = await launchBrowser();
try {
  const base = server.baseUrl;
  await mkdir(OUT, { recursive: true });

  // History: a failed job (the Stability provider has no API key here), a cancelled one, a finished one.
  const failed = await api(base, "POST", "/jobs", {
    prompt: "Cinematic orchestral swell with choir, 90 bpm",
    duration_s: 10,
    provider: "stability",
  });
  await waitFor(base, failed.id, (job) => TERMINAL.has(job.status));
  const cancelled = await api(base, "POST", "/jobs", { prompt: "Bossa nova guitar and brushed drums at 120 bpm", duration_s: 60 });
  await api(base, "POST", `/jobs/${cancelled.id}/cancel`);
  await waitFor(base, cancelled.id, (job) => TERMINAL.has(job.status));
  const finished = await api(base, "POST", "/jobs", {
    prompt: "Warm lo-fi hip hop at 80 bpm in F major with rhodes chords, vinyl crackle and a lazy swung beat",
    duration_s: 12,
    seed: 11,
  });
  await waitFor(base, finished.id, (job) => TERMINAL.has(job.status));

  // The queue while a new job runs.
  const desktop = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, colorScheme: "light" });
  const page = await desktop.newPage();
  await page.goto(base, { waitUntil: "networkidle" });
  // A planned song (16 bars, 29 s): the finished card's timeline shows these sections over the waveform.
  const running = await api(base, "POST", "/jobs", {
    prompt: "Dark techno at 132 bpm in A minor with a rolling bassline and airy pads",
    seed: 3,
    plan: {
      sections: [
        { name: "intro", bars: 2, energy: 0.3, mute_roles: ["drums"] },
        { name: "build", bars: 2, energy: 0.55 },
        { name: "drop", bars: 4, energy: 0.9 },
        { name: "breakdown", bars: 2, energy: 0.25, text: "filtered" },
        { name: "drop 2", bars: 4, energy: 1 },
        { name: "outro", bars: 2, energy: 0.35, text: "fade out" },
      ],
    },
  });
  await waitFor(base, running.id, (job) => ["GENERATING", "MIXING", "MASTERING"].includes(job.status) && job.progress >= 0.3);
  await page.reload({ waitUntil: "networkidle" });
  await page.locator(`article[data-job-id="${running.id}"]`).waitFor();
  await page.getByLabel("Prompt").fill("Dreamy synthwave at 100 bpm with gated reverb drums and a saxophone lead");
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(OUT, "queue.png"), fullPage: true });

  // The section-plan editor, prefilled with the default plan for the form's length and tempo, one
  // section's energy raised; the form alone.
  await page.getByLabel("Prompt").fill("Progressive house at 124 bpm with a long intro and a big breakdown");
  await page.getByText("Options", { exact: true }).click();
  await page.getByLabel("Duration (seconds)").fill("120");
  await page.getByLabel("Tempo (BPM)").fill("124");
  await page.getByText("Section plan", { exact: true }).click();
  await page.getByRole("button", { name: "Write a section plan" }).click();
  await page.getByLabel("Section 1 name").fill("long intro");
  await page.mouse.move(0, 0);
  await page.waitForTimeout(600);
  await page.locator("form.prompt-form").screenshot({ path: join(OUT, "plan-editor.png") });
  await page.getByRole("button", { name: "Let AMP choose the sections" }).click();
  await page.getByText("Options", { exact: true }).click();

  const phone = await chrome.browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: "light",
  });
  const phonePage = await phone.newPage();
  await phonePage.goto(base, { waitUntil: "networkidle" });
  await phonePage.locator("#queue-title").evaluate((element) => window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - 12));
  await phonePage.waitForTimeout(1200);
  await phonePage.screenshot({ path: join(OUT, "queue-phone.png") });

  // The finished job, opened, stems loaded with the drums muted.
  await waitFor(base, running.id, (job) => TERMINAL.has(job.status));
  /** @type {[import("playwright-core").Page, string][]} */
  const shots = [
    [page, "finished-job.png"],
    [phonePage, "finished-job-phone.png"],
  ];
  for (const [target, name] of shots) {
    await target.reload({ waitUntil: "networkidle" });
    const card = target.locator(`article[data-job-id="${running.id}"]`);
    await card.getByTestId("job-result").waitFor();
    await card.getByRole("button", { name: "Audition stems together" }).click();
    await card.getByRole("button", { name: "Play stems" }).waitFor();
    await card.getByRole("button", { name: "Mute Drums" }).click();
    await card.getByRole("button", { name: "Solo Bass" }).click();
    await card.getByRole("button", { name: "Solo Bass" }).click();
    await target.mouse.move(0, 0);
    await card.locator('[data-testid="mix-waveform"] canvas[data-drawn="true"]').waitFor();
    await target.waitForFunction(() => Array.from(document.images).every((image) => image.complete && image.naturalWidth > 0));
    if (target === phonePage) {
      // A phone shows the top of the finished card: status, waveform, player and stem controls.
      await card.evaluate((element) => window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - 8));
      await target.screenshot({ path: join(OUT, name) });
    } else {
      await card.screenshot({ path: join(OUT, name) });
    }
  }
  await desktop.close();
  await phone.close();
  console.log(`wrote queue.png, plan-editor.png, queue-phone.png, finished-job.png, finished-job-phone.png to ${OUT}`);
} finally {
  await chrome.close();
  await server.stop();
}
