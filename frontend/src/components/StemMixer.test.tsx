import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { artifacts } from "../test/fixtures";
import { FakeAudioContext, okAudioFetch } from "../test/fakeAudio";
import { StemMixer, type StemTrack } from "./StemMixer";

const id = "ab".repeat(16);
const stemArtifacts = artifacts(id).filter((artifact) => artifact.kind === "stem");
const tracks: StemTrack[] = stemArtifacts.map((artifact) => ({
  id: artifact.role ?? "",
  label: (artifact.role ?? "").replace(/^./, (c) => c.toUpperCase()),
  url: artifact.url,
  artifact,
}));

function row(name: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-stem="${name}"]`);
  if (!element) throw new Error(`no row for ${name}`);
  return element;
}

describe("StemMixer", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("mutes and solos stems, and the audio graph follows", async () => {
    vi.stubGlobal("fetch", okAudioFetch);
    const context = new FakeAudioContext([6, 6]);
    const user = userEvent.setup();
    render(<StemMixer stems={tracks} createContext={() => context.asContext()} />);

    await user.click(screen.getByRole("button", { name: "Audition stems together" }));
    const play = await screen.findByRole("button", { name: "Play stems" });
    expect(context.decodeAudioData).toHaveBeenCalledTimes(2);

    await user.click(play);
    expect(await screen.findByRole("button", { name: "Pause stems" })).toBeInTheDocument();
    expect(context.sources).toHaveLength(2);

    const [drumsGain, bassGain] = context.gains.slice(1); // [0] is the master bus
    await user.click(screen.getByRole("button", { name: "Mute Drums" }));
    expect(screen.getByRole("button", { name: "Mute Drums" })).toHaveAttribute("aria-pressed", "true");
    expect(row("drums")).toHaveAttribute("data-gain", "0.00");
    await waitFor(() => expect(drumsGain?.gain.value).toBe(0));
    expect(bassGain?.gain.value).toBe(1);

    await user.click(screen.getByRole("button", { name: "Mute Drums" }));
    await user.click(screen.getByRole("button", { name: "Solo Bass" }));
    expect(row("drums")).toHaveAttribute("data-gain", "0.00");
    expect(row("bass")).toHaveAttribute("data-gain", "1.00");
    await waitFor(() => expect(drumsGain?.gain.value).toBe(0));
    expect(bassGain?.gain.value).toBe(1);

    await user.click(screen.getByRole("button", { name: "Solo Bass" }));
    await waitFor(() => expect(drumsGain?.gain.value).toBe(1));
    expect(screen.getByText(/\/ 0:06/)).toBeInTheDocument();
  });

  it("shows why stems could not be loaded", async () => {
    vi.stubGlobal("fetch", (async () => new Response("gone", { status: 404 })) as unknown as typeof fetch);
    const user = userEvent.setup();
    render(<StemMixer stems={tracks} createContext={() => new FakeAudioContext().asContext()} />);
    await user.click(screen.getByRole("button", { name: "Audition stems together" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/Could not download the (drums|bass) stem \(404\)/);
    expect(screen.getByRole("button", { name: "Audition stems together" })).toBeEnabled();
  });
});
