import { describe, expect, it } from "vitest";
import { makeJob } from "../test/fixtures";
import { elapsedSeconds, failureSentence, fileNameFor, formatDuration, mergeJobs, statusOfStage } from "./jobs";

describe("job helpers", () => {
  it("says in words where and why a job failed", () => {
    const job = makeJob({ status: "FAILED", error: { stage: "generate", reason: "The provider timed out", error_type: "ProviderUnavailable" } });
    expect(failureSentence(job)).toBe("Failed while generating the parts: The provider timed out.");
    expect(failureSentence(makeJob({ status: "FAILED", error: { stage: "load_refs", reason: "x." } }))).toBe("Failed while load refs: x.");
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
    expect(fileNameFor(job, { kind: "stem", role: "bass", content_type: "audio/wav", url: "/f/bass.wav?sig=1" })).toBe(
      "amp-abababab-stem-bass.wav",
    );
    expect(fileNameFor(job, { kind: "midi", role: null, content_type: "audio/midi", url: "/download?k=1" })).toBe("amp-abababab-midi.mid");
  });
});
