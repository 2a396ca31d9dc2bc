import { describe, expect, it } from "vitest";
import { FakeAudioContext, okAudioFetch } from "../test/fakeAudio";
import { effectiveGains, StemEngine, toggleMute, toggleSolo, type StemControl } from "./mixer";

const stems = (): StemControl[] => [
  { id: "drums", muted: false, soloed: false, volume: 1 },
  { id: "bass", muted: false, soloed: false, volume: 0.5 },
  { id: "pad", muted: false, soloed: false, volume: 1 },
];

describe("mute and solo", () => {
  it("plays every stem at its volume when nothing is muted or soloed", () => {
    expect(effectiveGains(stems())).toEqual({ drums: 1, bass: 0.5, pad: 1 });
  });

  it("silences a muted stem only", () => {
    expect(effectiveGains(toggleMute(stems(), "drums"))).toEqual({ drums: 0, bass: 0.5, pad: 1 });
  });

  it("silences every stem that is not soloed when any is soloed", () => {
    const soloed = toggleSolo(toggleSolo(stems(), "bass"), "pad");
    expect(effectiveGains(soloed)).toEqual({ drums: 0, bass: 0.5, pad: 1 });
  });

  it("lets mute win over solo, and unmuting restores the solo", () => {
    const both = toggleMute(toggleSolo(stems(), "bass"), "bass");
    expect(effectiveGains(both)).toEqual({ drums: 0, bass: 0, pad: 0 });
    expect(effectiveGains(toggleMute(both, "bass"))).toEqual({ drums: 0, bass: 0.5, pad: 0 });
  });

  it("toggling solo off again brings every stem back", () => {
    expect(effectiveGains(toggleSolo(toggleSolo(stems(), "pad"), "pad"))).toEqual({ drums: 1, bass: 0.5, pad: 1 });
  });
});

describe("StemEngine", () => {
  async function loaded(durations = [6, 4]) {
    const context = new FakeAudioContext(durations);
    const engine = new StemEngine(context.asContext());
    await engine.load(
      [
        { id: "drums", url: "/drums.wav" },
        { id: "bass", url: "/bass.wav" },
      ],
      okAudioFetch,
    );
    return { context, engine };
  }

  it("starts every stem on one clock at the same offset", async () => {
    const { context, engine } = await loaded();
    context.currentTime = 2;
    await engine.play();
    expect(context.resume).toHaveBeenCalled();
    expect(context.sources).toHaveLength(2);
    const starts = context.sources.map((source) => source.start.mock.calls[0]);
    expect(starts[0]).toEqual(starts[1]);
    expect(starts[0]?.[0]).toBeCloseTo(2.05);
    expect(starts[0]?.[1]).toBe(0);
    expect(engine.durationS).toBe(6);
  });

  it("pauses where it was and resumes all stems from there together", async () => {
    const { context, engine } = await loaded();
    await engine.play();
    context.currentTime = 1.55;
    engine.pause();
    expect(engine.isPlaying).toBe(false);
    expect(engine.positionS()).toBeCloseTo(1.5);
    expect(context.sources.every((source) => source.stop.mock.calls.length === 1)).toBe(true);
    await engine.play();
    const resumed = context.sources.slice(2).map((source) => source.start.mock.calls[0]?.[1]);
    expect(resumed[0]).toBeCloseTo(1.5);
    expect(resumed[1]).toBeCloseTo(1.5);
  });

  it("seeks every stem, clamping to each stem's length", async () => {
    const { context, engine } = await loaded([6, 4]);
    await engine.seek(5);
    await engine.play();
    const offsets = context.sources.map((source) => source.start.mock.calls[0]?.[1]);
    expect(offsets).toEqual([5, 4]);
  });

  it("applies gains to each stem's own gain node", async () => {
    const { engine } = await loaded();
    engine.setGains({ drums: 0, bass: 0.7 });
    expect(engine.gainOf("drums")).toBe(0);
    expect(engine.gainOf("bass")).toBeCloseTo(0.7);
  });

  it("reports a stem that cannot be downloaded", async () => {
    const context = new FakeAudioContext();
    const engine = new StemEngine(context.asContext());
    const missing = (async () => new Response("no", { status: 404 })) as unknown as typeof fetch;
    await expect(engine.load([{ id: "lead", url: "/lead.wav" }], missing)).rejects.toThrow(/lead stem \(404\)/);
  });
});
