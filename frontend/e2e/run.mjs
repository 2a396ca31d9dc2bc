// Browser end-to-end tests: Debian's chromium (playwright-core) against a real `amp serve` with the
// built SPA, making a real 6-second track. `node e2e/run.mjs` starts its own server; with
// AMP_E2E_BASE_URL it uses that one instead (tests/e2e/test_web_app.py does this).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import { launchBrowser, parseWav, startServer } from "./lib.mjs";

const require = createRequire(import.meta.url);
const ORDER = ["QUEUED", "PARSING", "ANALYZING", "GENERATING", "MIXING", "MASTERING", "CHECKING", "SUCCEEDED"];
// A prompt, length and seed whose render passes every QA check (so the job SUCCEEDS) on the current
// procedural provider; 6 s keeps the run short.
const PROMPT = "Upbeat house at 124 bpm with piano chords";
const DURATION_S = 6;
const SEED = 7;

/** A mono 16-bit WAV of an A4 tone, `seconds` long. */
function toneWav(seconds, rate = 44100) {
  const frames = Math.round(seconds * rate);
  const bytes = Buffer.alloc(44 + frames * 2);
  bytes.write("RIFF", 0, "ascii");
  bytes.writeUInt32LE(36 + frames * 2, 4);
  bytes.write("WAVEfmt ", 8, "ascii");
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(1, 20);
  bytes.writeUInt16LE(1, 22);
  bytes.writeUInt32LE(rate, 24);
  bytes.writeUInt32LE(rate * 2, 28);
  bytes.writeUInt16LE(2, 32);
  bytes.writeUInt16LE(16, 34);
  bytes.write("data", 36, "ascii");
  bytes.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i += 1) bytes.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return bytes;
}

let server = null;
let baseUrl = process.env.AMP_E2E_BASE_URL ?? "";
let chrome;
let context;
let page;
const pageErrors = [];

describe("AMP web app in Chromium against amp serve", { timeout: 150_000 }, () => {
  before(async () => {
    if (!baseUrl) {
      server = await startServer();
      baseUrl = server.baseUrl;
    }
    chrome = await launchBrowser();
    context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
  });

  after(async () => {
    await context?.close();
    await chrome?.close();
    await server?.stop();
  });

  test("serves the app and refuses an empty prompt with a message", async () => {
    await page.goto(baseUrl, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Generation Queue" }).waitFor();
    await page.getByRole("button", { name: "Generate" }).click();
    const prompt = page.getByLabel("Prompt");
    assert.equal(await prompt.getAttribute("aria-invalid"), "true");
    assert.match(await page.locator(".field-error").first().innerText(), /Describe the music you want/);
  });

  test("a typed prompt goes through the stages to Succeeded", async () => {
    await page.getByLabel("Prompt").fill(PROMPT);
    await page.getByText("Options", { exact: true }).click();
    await page.getByLabel("Duration (seconds)").fill(String(DURATION_S));
    await page.getByLabel("Seed").fill(String(SEED));
    const started = Date.now();
    await page.getByRole("button", { name: "Generate" }).click();
    const card = page.locator("article.job-card").first();
    await card.waitFor();
    assert.equal(await card.locator("h3").innerText(), PROMPT);

    const seen = [];
    while (Date.now() - started < 100_000) {
      const status = await card.getAttribute("data-status");
      if (status && seen.at(-1) !== status) seen.push(status);
      if (status === "SUCCEEDED" || status === "FAILED" || status === "CANCELLED") break;
      await page.waitForTimeout(100);
    }
    console.log(`# stages seen: ${seen.join(" -> ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(seen.at(-1), "SUCCEEDED", `the job ended ${seen.at(-1)}: ${await card.innerText()}`);
    assert.ok(seen.length >= 3, `expected to watch the job move through stages, saw ${seen.join(", ")}`);
    const positions = seen.map((status) => ORDER.indexOf(status));
    assert.ok(positions.every((position) => position >= 0), `unknown status in ${seen.join(", ")}`);
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), `stages went backwards: ${seen.join(", ")}`);
    assert.equal(await card.getByRole("progressbar").getAttribute("aria-valuenow"), "100");
    assert.match(await card.getByTestId("job-status").innerText(), /Succeeded/);
  });

  test("the finished job shows its spec, QA report, waveform and images", async () => {
    const result = page.getByTestId("job-result").first();
    await result.waitFor();
    const spec = result.getByRole("region", { name: "Parsed spec" });
    assert.match(await spec.locator('[data-field="bpm"]').innerText(), /124 BPM\s+stated/);
    assert.match(await spec.locator('[data-field="duration_s"]').innerText(), new RegExp(`${DURATION_S} s\\s+your override`));
    const qa = result.getByRole("region", { name: "Quality report" });
    assert.match(await qa.innerText(), /LUFS/);
    assert.match(await qa.innerText(), /dBTP/);
    const drawn = result.locator('[data-testid="mix-waveform"] canvas[data-drawn="true"]');
    await drawn.waitFor({ timeout: 15_000 });
    for (const alt of ["Waveform plot of the mastered mix, left and right channels", "Spectrogram of the mastered mix"]) {
      const image = result.getByAltText(alt);
      await image.scrollIntoViewIfNeeded();
      await page.waitForFunction((element) => element.complete && element.naturalWidth > 0, await image.elementHandle());
    }
  });

  test("the mix plays", async () => {
    const audio = page.getByTestId("mix-audio").first();
    await audio.evaluate((element) => element.play());
    const state = await page.waitForFunction(
      (element) => (element.currentTime > 0.5 && !element.paused ? { t: element.currentTime, d: element.duration } : null),
      await audio.elementHandle(),
      { timeout: 15_000 },
    );
    const { d } = await state.jsonValue();
    assert.ok(Math.abs(d - DURATION_S) < 0.5, `mix lasts ${d} s, asked for ${DURATION_S}`);
    await audio.evaluate((element) => element.pause());
    const waveform = page.getByTestId("mix-waveform").first();
    await waveform.scrollIntoViewIfNeeded();
    const box = await waveform.boundingBox();
    assert.ok(box, "the waveform is not on screen");
    await waveform.click({ position: { x: box.width * 0.75, y: box.height / 2 } });
    const seeked = await audio.evaluate((element) => element.currentTime / element.duration);
    assert.ok(Math.abs(seeked - 0.75) < 0.05, `clicking 3/4 along the waveform seeked to ${seeked}`);
  });

  test("stems play together and a stem can be muted", async () => {
    const stems = page.getByRole("region", { name: "Stems" }).first();
    await stems.getByRole("button", { name: "Audition stems together" }).click();
    await stems.getByRole("button", { name: "Play stems" }).click({ timeout: 20_000 });
    await stems.getByRole("button", { name: "Pause stems" }).waitFor();
    const rows = await stems.locator("[data-stem]").evaluateAll((items) => items.map((item) => item.getAttribute("data-stem")));
    assert.ok(rows.includes("drums"), `stems: ${rows.join(", ")}`);
    const mute = stems.getByRole("button", { name: "Mute Drums" });
    await mute.click();
    assert.equal(await mute.getAttribute("aria-pressed"), "true");
    assert.equal(await stems.locator('[data-stem="drums"]').getAttribute("data-gain"), "0.00");
    const others = rows.filter((name) => name !== "drums");
    for (const name of others) {
      assert.equal(await stems.locator(`[data-stem="${name}"]`).getAttribute("data-gain"), "1.00");
    }
    await page.waitForFunction(() => {
      const time = document.querySelector('[data-testid="stems-time"]')?.textContent ?? "";
      return /^0:0[1-9] \//.test(time.trim());
    }, undefined, { timeout: 10_000 });
    await stems.getByRole("button", { name: "Pause stems" }).click();
  });

  test("a stem downloads as a valid WAV", async () => {
    const link = page.getByRole("link", { name: "Stem: Drums" }).first();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const path = await download.path();
    assert.ok(path, "the download was not saved");
    const wav = parseWav(await readFile(path));
    console.log(`# ${download.suggestedFilename()}: ${wav.channels} ch, ${wav.sampleRate} Hz, ${wav.bitsPerSample} bit, ${wav.durationS.toFixed(2)} s`);
    assert.match(download.suggestedFilename(), /drums.*\.wav$/);
    assert.equal(wav.sampleRate, 44100);
    assert.ok(Math.abs(wav.durationS - DURATION_S) < 0.5, `stem lasts ${wav.durationS} s`);
  });

  test("axe finds no serious accessibility problems on the finished job, light and dark", async () => {
    await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
    for (const colorScheme of /** @type {const} */ (["light", "dark"])) {
      await page.emulateMedia({ colorScheme });
      const violations = await page.evaluate(async () => {
        // @ts-expect-error axe is the global the script tag added
        const results = await window.axe.run(document, { resultTypes: ["violations"] });
        return results.violations
          .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
          .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).slice(0, 3).join("; ")})`);
      });
      assert.deepEqual(violations, [], `${colorScheme} scheme`);
    }
    await page.emulateMedia({ colorScheme: "light" });
  });

  test("the page fits a phone screen without sideways scrolling", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(200);
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    assert.ok(widths.doc <= widths.view, `page is ${widths.doc}px wide in a ${widths.view}px viewport`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test("a dropped reference track is uploaded, and the job can be cancelled and retried", async () => {
    const wav = toneWav(2);
    await page.getByLabel("Prompt").fill("Ambient pads in the key of this reference");
    const options = page.locator("details.options");
    if ((await options.getAttribute("open")) === null) await page.getByText("Options", { exact: true }).click();
    await page.getByLabel("Duration (seconds)").fill("30");
    await page.getByTestId("reference-dropzone").evaluate((zone, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], "tone.wav", { type: "audio/wav" }));
      zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, wav.toString("base64"));
    await page.getByText("tone.wav").waitFor();
    await page.getByRole("button", { name: "Generate" }).click();
    const card = page.locator("article.job-card").first();
    await card.locator("h3", { hasText: "Ambient pads in the key of this reference" }).waitFor();
    const id = await card.getAttribute("data-job-id");
    const created = await (await fetch(`${baseUrl}/jobs/${id}`)).json();
    assert.match(created.reference_key ?? "", /\.wav$/, "the job was created without its reference");

    await card.getByRole("button", { name: "Cancel" }).click();
    await page.locator(`article[data-job-id="${id}"][data-status="CANCELLED"]`).waitFor({ timeout: 30_000 });
    assert.match(await card.locator(".job-card__detail").innerText(), /Cancelled after/);

    await card.getByRole("button", { name: "Retry" }).click();
    const retry = page.locator("article.job-card").first();
    await page.waitForFunction((oldId) => document.querySelector("article.job-card")?.getAttribute("data-job-id") !== oldId, id);
    assert.match(await retry.locator(".job-card__detail").innerText(), new RegExp(`retry of ${id?.slice(0, 8)}`));
    await retry.getByRole("button", { name: "Cancel" }).click();
    await page.locator('article.job-card[data-status="CANCELLED"]').nth(1).waitFor({ timeout: 30_000 });
  });

  test("no script errors were logged", () => {
    assert.deepEqual(pageErrors, []);
  });
});
