import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Job } from "../api/types";
import { fakeFetch, json, makeJob, succeededJob } from "../test/fixtures";
import { renderWithApi } from "../test/render";
import { JobCard } from "./JobCard";

const NOW = Date.parse("2026-11-26T10:01:05Z");

function renderCard(job: Job, handler: Parameters<typeof fakeFetch>[0] = () => json(200, job), initiallyOpen = false) {
  const { fetch, calls } = fakeFetch(handler);
  const onChanged = vi.fn();
  const onDeleted = vi.fn();
  const utils = renderWithApi(
    <JobCard job={job} now={NOW} onChanged={onChanged} onDeleted={onDeleted} initiallyOpen={initiallyOpen} />,
    fetch,
  );
  return { ...utils, calls, onChanged, onDeleted, user: userEvent.setup() };
}

function steps() {
  return within(screen.getByRole("list", { name: "Pipeline stages" }))
    .getAllByRole("listitem")
    .map((item) => item.className.replace("stages__step stages__step--", ""));
}

describe("JobCard", () => {
  it("shows a running job's stage, progress and elapsed time, with Cancel", () => {
    renderCard(makeJob({ status: "MIXING", stage: "mix", progress: 0.65 }));
    expect(screen.getByTestId("job-status")).toHaveTextContent("Mixing");
    expect(screen.getByRole("progressbar", { name: "Progress" })).toHaveAttribute("aria-valuenow", "65");
    expect(screen.getByText("65%")).toBeInTheDocument();
    expect(screen.getByText("1:05")).toBeInTheDocument();
    expect(steps()).toEqual(["done", "done", "done", "done", "current", "pending", "pending"]);
    expect(screen.getByRole("listitem", { current: "step" })).toHaveTextContent("Mixing");
    expect(screen.getByRole("button", { name: "Cancel" })).toBeEnabled();
    expect(screen.queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete" })).not.toBeInTheDocument();
  });

  it("describes the work by status even when one stage covers two statuses", () => {
    renderCard(makeJob({ status: "MASTERING", stage: "mix", progress: 0.75 }));
    expect(screen.getByText(/^Mastering… · started/)).toBeInTheDocument();
    expect(screen.getByRole("listitem", { current: "step" })).toHaveTextContent("Mastering");
  });

  it("spells Analysing the British way while a reference is analysed", () => {
    renderCard(makeJob({ status: "ANALYZING", stage: "analyze", progress: 0.1 }));
    expect(screen.getByTestId("job-status")).toHaveTextContent("Analysing");
  });

  it("keeps the same rows in every state, so polling never shifts the layout", () => {
    const rows = (job: Job) => {
      const { container, unmount } = renderCard(job);
      const shape = [".stages", ".job-card__progress", ".job-card__detail", ".job-card__actions"].map(
        (selector) => container.querySelectorAll(selector).length,
      );
      unmount();
      return shape;
    };
    const expected = [1, 1, 1, 1];
    for (const status of ["QUEUED", "PARSING", "GENERATING", "CHECKING"] as const) {
      expect(rows(makeJob({ status, progress: 0.3 }))).toEqual(expected);
    }
    expect(rows(makeJob({ status: "FAILED", error: { stage: "mix", reason: "boom", error_type: "MixFailed" } }))).toEqual(expected);
  });

  it("shows where and why a job failed in words, and retries it", async () => {
    const failed = makeJob({
      status: "FAILED",
      stage: "generate",
      progress: 0.4,
      error: { stage: "generate", reason: "The stability provider answered 503 three times", error_type: "ProviderUnavailable" },
    });
    const retried = makeJob({ status: "QUEUED", parent_job_id: failed.id });
    const { user, calls, onChanged } = renderCard(failed, () => json(202, retried));
    expect(screen.getByTestId("job-failure")).toHaveTextContent(
      "Failed while generating the parts: The stability provider answered 503 three times.",
    );
    expect(steps()).toEqual(["done", "done", "done", "failed", "pending", "pending", "pending"]);
    await user.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(retried));
    expect(calls[0]).toMatchObject({ method: "POST", url: `/jobs/${failed.id}/retry` });
  });

  it("cancels a running job and shows the API's refusal when it fails", async () => {
    const job = makeJob({ status: "GENERATING", progress: 0.5 });
    const { user, calls, onChanged } = renderCard(job, () =>
      json(409, { error: { code: "conflict", message: "The job has already finished.", details: null } }),
    );
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not cancel the job");
    expect(alert).toHaveTextContent("The job has already finished.");
    expect(calls[0]).toMatchObject({ method: "POST", url: `/jobs/${job.id}/cancel` });
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("describes a cancelled job and offers Retry and Delete with confirmation", async () => {
    const job = makeJob({ status: "CANCELLED", updated_at: "2026-11-26T10:00:12Z" });
    const { user, calls, onDeleted } = renderCard(job, () => new Response(null, { status: 204 }));
    expect(screen.getByText("Cancelled after 0:12.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Delete" }));
    expect(calls).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Delete for good" }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledWith(job.id));
    expect(calls[0]).toMatchObject({ method: "DELETE", url: `/jobs/${job.id}` });
  });

  it("says a whole-mix job's stems are unavailable instead of showing stem players or edits", async () => {
    const reason =
      "stems unavailable (whole-mix mode): the model made the whole song in one request (stability_mode 'mix'), so there are no separate stems or MIDI";
    const base = succeededJob();
    const job = succeededJob({
      id: base.id,
      artifacts: base.artifacts.filter((artifact) => artifact.kind !== "stem" && artifact.kind !== "midi"),
      stems_unavailable: reason,
    });
    const { user } = renderCard(job);
    await user.click(screen.getByRole("button", { name: "Show result" }));
    const result = screen.getByTestId("job-result");
    const notice = within(result).getByTestId("stems-unavailable");
    expect(notice).toHaveTextContent("Stems unavailable (whole-mix mode)");
    expect(notice).toHaveTextContent(reason);
    expect(within(result).getByTestId("mix-audio")).toBeInTheDocument();
    const downloads = within(within(result).getByRole("region", { name: "Downloads" })).getAllByRole("link");
    expect(downloads.map((link) => link.textContent)).toEqual(["Mix (WAV)", "Preview", "QA report (JSON)"]);
    expect(screen.queryByRole("button", { name: /Swap stem/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Variation/ })).not.toBeInTheDocument();
  });

  it("shows a finished job's spec, players, QA report and downloads", async () => {
    const job = succeededJob();
    const { user } = renderCard(job);
    expect(screen.getByTestId("job-status")).toHaveTextContent("Succeeded");
    expect(screen.queryByTestId("job-result")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Show result" }));
    const result = screen.getByTestId("job-result");

    expect(within(result).getByTestId("mix-audio")).toHaveAttribute("src", `/files/jobs/local/${job.id}/mix.wav`);
    // jsdom cannot decode audio, so the player falls back to the waveform image.
    expect(within(result).getByAltText("Waveform of the mix")).toHaveAttribute("src", `/files/jobs/local/${job.id}/waveform.png`);
    expect(within(result).getByAltText("Spectrogram of the mastered mix")).toBeInTheDocument();
    expect(within(result).getByAltText("Waveform plot of the mastered mix, left and right channels")).toBeInTheDocument();
    expect(within(result).getByText("True peak", { selector: "th" })).toBeInTheDocument();

    const spec = within(result).getByRole("region", { name: "Parsed spec" });
    expect(spec.querySelector('[data-field="bpm"]')).toHaveTextContent("132 BPM stated");
    expect(spec.querySelector('[data-field="energy"]')).toHaveTextContent("80% inferred");
    expect(spec.querySelector('[data-field="duration_s"]')).toHaveTextContent("your override");

    const qa = within(result).getByRole("region", { name: "Quality report" });
    expect(qa).toHaveTextContent("-14.1 LUFS");
    expect(qa).toHaveTextContent("-1.3 dBTP");
    expect(qa).toHaveTextContent("Passed, 1 check flagged");
    expect(qa).toHaveTextContent("128.2");
    expect(within(qa).getByRole("row", { name: /^Tempo/ })).toHaveTextContent("✗ fail");

    const downloads = within(within(result).getByRole("region", { name: "Downloads" })).getAllByRole("link");
    expect(downloads.map((link) => link.textContent)).toEqual([
      "Mix (WAV)",
      "Preview",
      "Stem: Drums",
      "Stem: Bass",
      "MIDI",
      "QA report (JSON)",
      "All stems (ZIP)",
    ]);
    expect(downloads[2]).toHaveAttribute("download", `amp-${job.id.slice(0, 8)}-stem-drums.wav`);
    expect(downloads[6]).toHaveAttribute("href", `/jobs/${job.id}/stems.zip`);

    const stems = within(result).getByRole("region", { name: "Stems" });
    expect(within(stems).getByRole("button", { name: "Mute Drums" })).toHaveAttribute("aria-pressed", "false");
  });
});
