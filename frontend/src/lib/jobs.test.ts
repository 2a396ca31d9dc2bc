import { describe, expect, it } from "vitest";
import { makeJob, succeededJob } from "../test/fixtures";
import {
  elapsedSeconds,
  failureSentence,
  fileNameFor,
  formatDuration,
  mergeJobs,
  statusOfStage,
  urlExpiresAt,
  withStableUrls,
} from "./jobs";

describe("job helpers", () => {
  it("says in words where and why a job failed", () => {
    const job = makeJob({ status: "FAILED", error: { stage: "generate", reason: "The provider timed out", error_type: "ProviderUnavailable" } });
    expect(failureSentence(job)).toBe("Failed while generating the parts: The provider timed out.");
    expect(failureSentence(makeJob({ status: "FAILED", error: { stage: "load_refs", reason: "x.", error_type: "Error" } }))).toBe("Failed while load refs: x.");
  });

  it("maps API stage names onto the pipeline statuses", () => {
    expect(statusOfStage("parse")).toBe("PARSING");
    expect(statusOfStage("qa")).toBe("CHECKING");
    expect(statusOfStage("MASTERING")).toBe("MASTERING");
    expect(statusOfStage("unknown")).toBeNull();
  });

  it("counts elapsed time to now while running and to the last update when finished", () => {
    const running = makeJob({ status: "GENERATING", created_at: "2026-11-26T10:00:00Z", updated_at: "2026-11-26T10:00:05Z" });
    const done = { ...running, status: "SUCCEEDED" as const };
    const now = Date.parse("2026-11-26T10:01:15Z");
    expect(elapsedSeconds(running, now)).toBe(75);
    expect(elapsedSeconds(done, now)).toBe(5);
    expect(formatDuration(75)).toBe("1:15");
    expect(formatDuration(3725)).toBe("1:02:05");
  });

  it("merges fresher copies by id and keeps newest first", () => {
    const older = makeJob({ created_at: "2026-11-26T09:00:00Z" });
    const newer = makeJob({ created_at: "2026-11-26T11:00:00Z" });
    const merged = mergeJobs([older], [newer, { ...older, status: "MIXING" }]);
    expect(merged.map((job) => job.id)).toEqual([newer.id, older.id]);
    expect(merged[1]?.status).toBe("MIXING");
  });

  it("names downloads after the job, kind and role with the right extension", () => {
    const job = makeJob({ id: "ab".repeat(16) });
    expect(fileNameFor(job, { kind: "stem", role: "bass", content_type: "audio/wav", size_bytes: 1, url: "/f/bass.wav?sig=1" })).toBe(
      "amp-abababab-stem-bass.wav",
    );
    expect(fileNameFor(job, { kind: "midi", role: null, content_type: "audio/midi", size_bytes: 1, url: "/download?k=1" })).toBe("amp-abababab-midi.mid");
  });
});

describe("signed download URLs across polls", () => {
  const now = Date.parse("2026-11-26T10:00:00Z");
  const unix = (ms: number) => Math.floor(ms / 1000);
  const local = (path: string, expiresMs: number) => `http://127.0.0.1:8000/files/${path}?expires=${unix(expiresMs)}&signature=abc${expiresMs}`;

  it("reads the expiry of local and S3 (SigV4) links", () => {
    expect(urlExpiresAt(local("a/mix.wav", now + 900_000))).toBe(now + 900_000);
    expect(urlExpiresAt("https://b.s3.amazonaws.com/k?X-Amz-Date=20261126T100000Z&X-Amz-Expires=900&X-Amz-Signature=x")).toBe(now + 900_000);
    expect(urlExpiresAt("/jobs/abc/stems.zip")).toBeNull();
  });

  it("keeps the URL the page already uses while it has time to live, and the same object when nothing changed", () => {
    const first = succeededJob();
    first.artifacts = first.artifacts.map((artifact) => ({ ...artifact, url: local(artifact.url, now + 900_000) }));
    const repoll = { ...first, artifacts: first.artifacts.map((artifact) => ({ ...artifact, url: artifact.url.replace(/expires=\d+/, `expires=${unix(now + 901_000)}`).replace(/signature=\w+/, "signature=fresh") })) };
    expect(repoll.artifacts[0]?.url).not.toBe(first.artifacts[0]?.url);
    expect(withStableUrls(first, repoll, now + 1000)).toBe(first);
    const [merged] = mergeJobs([first], [repoll], now + 1000);
    expect(merged).toBe(first);
  });

  it("takes the fresh URL when the old one is about to expire or the file moved", () => {
    const first = succeededJob();
    first.artifacts = first.artifacts.map((artifact) => ({ ...artifact, url: local(artifact.url, now + 100_000) }));
    const repoll = { ...first, artifacts: first.artifacts.map((artifact) => ({ ...artifact, url: `${artifact.url}x` })) };
    const next = withStableUrls(first, repoll, now);
    expect(next).not.toBe(first);
    expect(next.artifacts[0]?.url).toBe(repoll.artifacts[0]?.url);
  });

  it("passes on real changes (status, progress) while keeping URLs", () => {
    const first = makeJob({ status: "MIXING", progress: 0.6 });
    const next = withStableUrls(first, { ...first, status: "MASTERING", progress: 0.8 }, now);
    expect(next).not.toBe(first);
    expect(next.status).toBe("MASTERING");
  });
});

describe("check labels", () => {
  it("spells check names as words, acronyms in capitals", async () => {
    const { checkLabel } = await import("../components/QAReportView");
    expect(checkLabel("stems_sum_to_mix")).toBe("Stems sum to mix");
    expect(checkLabel("dc_offset")).toBe("DC offset");
  });
});
