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
/** What 6 s asks at 124 BPM in 4/4: the nearest whole bars, 3, last 5.806 s (amp.domain.spec.nearest_bars). */
const DELIVERED_S = (3 * 4 * 60) / 124;
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

/** axe-core over the whole page in the light and the dark scheme: no serious or critical violations. */
async function assertNoSeriousAxeViolations() {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
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
}

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
    // 6 s at 124 BPM is 3.1 bars: the song is the nearest whole bars, 3 (5.8 s), and says what was asked
    assert.match(
      await spec.locator('[data-field="duration_s"]').innerText(),
      new RegExp(`5\\.8 s · 3 bars \\(asked ${DURATION_S} s\\)\\s+your override`),
    );
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
    assert.ok(Math.abs(d - DELIVERED_S) < 0.05, `mix lasts ${d} s, delivered as ${DELIVERED_S} (asked ${DURATION_S})`);
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

  test("the section timeline over the waveform seeks the mix and the stems", async () => {
    let card = page.locator('article.job-card[data-status="SUCCEEDED"]').first();
    const id = await card.getAttribute("data-job-id");
    const job = await (await fetch(`${baseUrl}/jobs/${id}`)).json();
    const published = job.artifacts.find((artifact) => artifact.kind === "sections");
    /** @type {{bpm: number, time_signature: string, sections: {name: string, bars: number, energy: number, start_bar: number, start_s: number, end_s: number}[]}} */
    let sections;
    if (published) {
      // With the plan backend (issue 16) the job publishes sections.json itself.
      sections = await (await fetch(new URL(published.url, baseUrl))).json();
    } else {
      // Without it, the fixture adds a sections artifact to this job's API answers: the bars the
      // spec's tempo implies, split into three sections, in the published sections.json shape.
      const [beats, unit] = job.spec.time_signature.split("/").map(Number);
      const barS = ((beats * 4) / unit) * (60 / job.spec.bpm);
      const bars = Math.floor(job.spec.duration_s / barS + 1e-9);
      const split = [Math.max(1, Math.floor(bars / 3)), Math.max(1, Math.floor(bars / 3))];
      split.push(Math.max(1, bars - split[0] - split[1]));
      let start = 0;
      sections = {
        bpm: job.spec.bpm,
        time_signature: job.spec.time_signature,
        sections: ["intro", "groove", "drop"].map((name, index) => {
          const entry = { name, bars: split[index], energy: 0.4 + 0.3 * index, start_bar: start, start_s: start * barS, end_s: (start + split[index]) * barS };
          start += split[index];
          return entry;
        }),
      };
      const artifact = { kind: "sections", role: null, content_type: "application/json", size_bytes: 300, url: "/e2e-fixture/sections.json" };
      await page.route("**/e2e-fixture/sections.json", (route) => route.fulfill({ json: sections }));
      await page.route(/\/jobs(\?|\/[0-9a-f]+$)/, async (route) => {
        const response = await route.fetch();
        const body = await response.json();
        for (const item of body.jobs ?? [body]) if (item.id === id) item.artifacts = [...item.artifacts, artifact];
        await route.fulfill({ response, json: body });
      });
      await page.reload({ waitUntil: "networkidle" });
      card = page.locator(`article.job-card[data-job-id="${id}"]`);
    }
    const timeline = card.getByTestId("mix-waveform").getByTestId("section-timeline");
    await timeline.waitFor({ timeout: 15_000 });
    const blocks = timeline.locator(".section-timeline__block");
    assert.equal(await blocks.count(), sections.sections.length);
    const audio = card.getByTestId("mix-audio");
    await page.waitForFunction((element) => element.duration > 0, await audio.elementHandle());
    const durationS = await audio.evaluate((element) => element.duration);
    const box = await card.getByTestId("mix-waveform").boundingBox();
    assert.ok(box, "the waveform is not on screen");
    const last = sections.sections.at(-1);
    // A short derived plan may be a single section: then the stems seek to its start.
    const second = sections.sections[1] ?? last;
    assert.ok(last && second, "sections.json lists no sections");
    for (const [index, section] of sections.sections.entries()) {
      const block = await blocks.nth(index).boundingBox();
      assert.ok(block, `section ${index} has no box`);
      const expected = section.start_s / Math.max(durationS, last.end_s);
      assert.ok(Math.abs((block.x - box.x) / box.width - expected) < 0.02, `${section.name} starts at ${(block.x - box.x) / box.width} of the waveform, expected ${expected}`);
      assert.match(await blocks.nth(index).innerText(), new RegExp(`${section.name}\\s*${section.start_bar + 1}`));
    }
    await timeline.getByRole("button", { name: new RegExp(`^${last.name} ${last.start_bar + 1}, play from`) }).click();
    const seeked = await audio.evaluate((element) => element.currentTime);
    assert.ok(Math.abs(seeked - last.start_s) < 0.05, `clicking ${last.name} seeked the mix to ${seeked} s, expected ${last.start_s}`);

    const stems = card.getByRole("region", { name: "Stems" });
    // Loaded by the stem test before, unless the fixture reloaded the page.
    const load = stems.getByRole("button", { name: "Audition stems together" });
    if (await load.isVisible()) await load.click();
    await stems.getByRole("button", { name: "Play stems" }).waitFor({ timeout: 20_000 });
    await timeline.getByRole("button", { name: new RegExp(`^${second.name} ${second.start_bar + 1}, play from`) }).click();
    const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds) % 60).padStart(2, "0")}`;
    await page.waitForFunction(
      ([selector, expected]) => (document.querySelector(selector)?.textContent ?? "").trim().startsWith(expected),
      [`article[data-job-id="${id}"] [data-testid="stems-time"]`, `${clock(second.start_s)} /`],
      { timeout: 5_000 },
    );
    if (process.env.AMP_E2E_SHOT_DIR) await card.getByRole("region", { name: "Mix player" }).screenshot({ path: `${process.env.AMP_E2E_SHOT_DIR}/timeline.png` });
    console.log(`# timeline: ${sections.sections.length} sections from ${published ? "the job's sections.json" : "the test fixture"}; mix ${durationS.toFixed(2)} s`);
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
    assert.ok(Math.abs(wav.durationS - DELIVERED_S) < 0.001, `stem lasts ${wav.durationS} s`);
  });

  test("axe finds no serious accessibility problems on the finished job, light and dark", async () => {
    await assertNoSeriousAxeViolations();
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

  test("the section-plan editor sends the plan the user wrote", async () => {
    await page.getByLabel("Prompt").fill("Melodic techno with a long intro");
    const options = page.locator("details.options").first();
    if ((await options.getAttribute("open")) === null) await page.getByText("Options", { exact: true }).click();
    await page.getByLabel("Duration (seconds)").fill("6");
    await page.getByLabel("Tempo (BPM)").fill("120");
    await page.getByLabel("Seed").fill(String(SEED));
    await page.getByText("Section plan", { exact: true }).click();
    await page.getByRole("button", { name: "Write a section plan" }).click();
    const editor = page.getByTestId("plan-editor");
    assert.match(await editor.getByTestId("plan-origin").innerText(), /default plan for 6 s at 120 BPM in 4\/4/);
    // 6 s at 120 BPM is 3 bars: groove 1, drop 2. Write intro 1 / build 1 / drop 2 (8 s) instead.
    assert.match(await editor.getByTestId("plan-total").innerText(), /2 \/ 32 sections · 3 bars · 0:06/);
    await editor.getByLabel("Section 1 name", { exact: true }).fill("intro");
    await editor.getByLabel("Section 1 bars", { exact: true }).fill("1");
    await editor.getByRole("button", { name: "Add section" }).click();
    await editor.getByLabel("Section 3 name", { exact: true }).fill("build");
    await editor.getByLabel("Section 3 bars", { exact: true }).fill("1");
    await editor.getByRole("button", { name: "Move section 3 up" }).click();
    await editor.getByLabel("Section 3 bars", { exact: true }).fill("300");
    assert.equal(await editor.getByLabel("Section 3 bars", { exact: true }).getAttribute("aria-invalid"), "true");
    await editor.getByLabel("Section 3 bars", { exact: true }).fill("2");
    assert.match(await editor.getByTestId("plan-total").innerText(), /3 \/ 32 sections · 4 bars · 0:08/);
    await editor.locator(".plan-section").first().getByText("Roles and text").click();
    await assertNoSeriousAxeViolations();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(200);
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    assert.ok(widths.doc <= widths.view, `with the plan editor open the page is ${widths.doc}px wide in a ${widths.view}px viewport`);
    if (process.env.AMP_E2E_SHOT_DIR) await editor.screenshot({ path: `${process.env.AMP_E2E_SHOT_DIR}/plan-editor-phone.png` });
    await page.setViewportSize({ width: 1280, height: 900 });
    if (process.env.AMP_E2E_SHOT_DIR) await editor.screenshot({ path: `${process.env.AMP_E2E_SHOT_DIR}/plan-editor.png` });
    const expected = [
      { name: "intro", bars: 1, energy: (await editor.getByLabel("Section 1 energy").inputValue()) * 1 },
      { name: "build", bars: 1, energy: (await editor.getByLabel("Section 2 energy").inputValue()) * 1 },
      { name: "drop", bars: 2, energy: (await editor.getByLabel("Section 3 energy").inputValue()) * 1 },
    ];
    const errorsBefore = pageErrors.length;
    const [request] = await Promise.all([
      page.waitForRequest((req) => req.method() === "POST" && new URL(req.url()).pathname === "/jobs"),
      page.getByRole("button", { name: "Generate" }).click(),
    ]);
    const sent = request.postDataJSON();
    assert.deepEqual(sent.plan, { sections: expected });
    assert.equal(sent.duration_s, 6);
    const response = await request.response();
    assert.ok(response, "no answer to POST /jobs");
    if (response.status() === 422) {
      // Without the plan backend (issue 16) the server refuses the unknown field; the editor shows it.
      const fields = (await response.json()).error.details.fields.map((item) => item.field);
      assert.ok(fields.includes("plan"), `422 fields: ${fields.join(", ")}`);
      await editor.getByTestId("plan-error").waitFor();
      // The browser logs the refused request as a console error; that one was expected.
      const logged = pageErrors.splice(errorsBefore);
      pageErrors.push(...logged.filter((message) => !/status of 422/.test(message)));
      console.log(`# the server does not take plans yet: 422 on ${fields.join(", ")}, shown in the editor`);
      return;
    }
    assert.equal(response.status(), 202, await response.text());
    const { id } = await response.json();
    let job = null;
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      job = await (await fetch(`${baseUrl}/jobs/${id}`)).json();
      if (job.spec?.plan || ["FAILED", "CANCELLED"].includes(job.status)) break;
      await new Promise((done) => setTimeout(done, 250));
    }
    assert.ok(job?.spec?.plan, `the job has no spec.plan: ${JSON.stringify(job).slice(0, 500)}`);
    assert.deepEqual(
      job.spec.plan.sections.map(({ name, bars, energy }) => ({ name, bars, energy })),
      expected,
    );
    assert.equal(job.spec.provenance.plan, "stated");
    const card = page.locator(`article.job-card[data-job-id="${id}"]`);
    if ((await card.getAttribute("data-status")) !== "SUCCEEDED") {
      await card.getByRole("button", { name: "Cancel" }).click().catch(() => undefined);
    }
  });

  test("no script errors were logged", () => {
    assert.deepEqual(pageErrors, []);
  });
});
