import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useMemo } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Artifact } from "../api/types";
import type { SectionsFile } from "../lib/plan";
import { SeekBus, SeekProvider } from "../lib/seek";
import { FakeAudioContext, okAudioFetch } from "../test/fakeAudio";
import { artifacts, json, succeededJob } from "../test/fixtures";
import { renderWithApi } from "../test/render";
import { JobResult } from "./JobResult";
import { SectionTimeline } from "./SectionTimeline";
import { StemMixer, type StemTrack } from "./StemMixer";

const SECTIONS: SectionsFile = {
  bpm: 120,
  time_signature: "4/4",
  sections: [
    { name: "intro", bars: 4, energy: 0.3, start_bar: 0, start_s: 0, end_s: 8 },
    { name: "build", bars: 4, energy: 0.6, start_bar: 4, start_s: 8, end_s: 16 },
    { name: "drop", bars: 8, energy: 1, start_bar: 8, start_s: 16, end_s: 32 },
  ],
};

function blocks(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>(".section-timeline__block")];
}

describe("SectionTimeline", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("sizes each block by its share of the mix and labels it with name and first bar", () => {
    render(<SectionTimeline sections={SECTIONS} durationS={40} onSeek={() => undefined} />);
    expect(blocks().map((block) => [block.dataset.section, block.style.left, block.style.width])).toEqual([
      ["intro", "0%", "20%"],
      ["build", "20%", "20%"],
      ["drop", "40%", "40%"],
    ]);
    expect(screen.getByRole("button", { name: "drop 9, play from bar 9 at 0:16" })).toHaveTextContent("drop 9");
  });

  it("spans the sections' own length until the mix's duration is known", () => {
    render(<SectionTimeline sections={SECTIONS} durationS={0} onSeek={() => undefined} />);
    expect(blocks().map((block) => block.style.width)).toEqual(["25%", "25%", "50%"]);
    expect(screen.getByTestId("section-timeline")).toHaveAttribute("data-total-s", "32.000");
  });

  it("clicking a block seeks to the section's start and not to the pointer's place", async () => {
    const onSeek = vi.fn();
    const onWaveformClick = vi.fn();
    const user = userEvent.setup();
    render(
      <div onClick={onWaveformClick}>
        <SectionTimeline sections={SECTIONS} durationS={40} onSeek={onSeek} />
      </div>,
    );
    await user.click(screen.getByRole("button", { name: /^build \d+, play from/ }));
    expect(onSeek).toHaveBeenCalledWith(8);
    expect(onWaveformClick).not.toHaveBeenCalled();
  });

  it("seeks the stem transport of the same job through the seek bus", async () => {
    vi.stubGlobal("fetch", okAudioFetch);
    const context = new FakeAudioContext([32, 32]);
    const tracks: StemTrack[] = artifacts("cd".repeat(16))
      .filter((artifact) => artifact.kind === "stem")
      .map((artifact) => ({ id: artifact.role ?? "", label: artifact.role ?? "", url: artifact.url, artifact }));
    function Harness() {
      const bus = useMemo(() => new SeekBus(), []);
      return (
        <SeekProvider bus={bus}>
          <SectionTimeline sections={SECTIONS} durationS={32} />
          <StemMixer stems={tracks} createContext={() => context.asContext()} />
        </SeekProvider>
      );
    }
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByRole("button", { name: "Audition stems together" }));
    await screen.findByRole("button", { name: "Play stems" });
    await user.click(screen.getByRole("button", { name: /^drop \d+, play from/ }));
    await waitFor(() => expect(screen.getByTestId("stems-time")).toHaveTextContent("0:16 / 0:32"));
    // Playing starts every stem at the section's start.
    await user.click(screen.getByRole("button", { name: "Play stems" }));
    expect(context.sources).toHaveLength(2);
    for (const source of context.sources) expect(source.start).toHaveBeenCalledWith(expect.any(Number), 16);
  });

  it("in a finished job: reads sections.json, lays it over the waveform and seeks the mix", async () => {
    const job = succeededJob();
    const sectionsArtifact: Artifact = {
      kind: "sections",
      role: null,
      content_type: "application/json",
      size_bytes: 400,
      url: `/files/jobs/local/${job.id}/sections.json`,
    };
    job.artifacts = [...job.artifacts, sectionsArtifact];
    const fetched: string[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
      const url = String(input);
      fetched.push(url);
      return url.endsWith("/sections.json") ? json(200, SECTIONS) : new Response("no", { status: 404 });
    });
    renderWithApi(<JobResult job={job} />, (async () => new Response("{}")) as unknown as typeof fetch);
    const waveform = screen.getByTestId("mix-waveform");
    const timeline = await within(waveform).findByTestId("section-timeline");
    expect(fetched).toContain(sectionsArtifact.url);

    const audio = screen.getByTestId("mix-audio") as HTMLAudioElement;
    Object.defineProperty(audio, "duration", { configurable: true, value: 40 });
    fireEvent(audio, new Event("durationchange"));
    await waitFor(() => expect(timeline).toHaveAttribute("data-total-s", "40.000"));
    expect(blocks().map((block) => block.style.width)).toEqual(["20%", "20%", "40%"]);

    fireEvent.click(within(timeline).getByRole("button", { name: /^drop \d+, play from/ }));
    expect(audio.currentTime).toBe(16);
    fireEvent.click(within(timeline).getByRole("button", { name: /^build \d+, play from/ }));
    expect(audio.currentTime).toBe(8);
    expect(screen.getByRole("link", { name: "Sections (JSON)" })).toBeInTheDocument();
  });

  it("shows no timeline for a job without a sections artifact", () => {
    const fetchSpy = vi.fn(async () => new Response("no", { status: 404 }));
    vi.stubGlobal("fetch", fetchSpy);
    renderWithApi(<JobResult job={succeededJob()} />, (async () => new Response("{}")) as unknown as typeof fetch);
    expect(screen.queryByTestId("section-timeline")).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
