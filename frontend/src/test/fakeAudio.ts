import { vi } from "vitest";

/** Just enough of WebAudio to observe what the stem engine schedules. */
export class FakeParam {
  value = 1;
  setTargetAtTime = vi.fn((value: number) => {
    this.value = value;
  });
  cancelScheduledValues = vi.fn();
}

export class FakeGain {
  gain = new FakeParam();
  connect = vi.fn();
  disconnect = vi.fn();
}

export class FakeSource {
  buffer: { duration: number } | null = null;
  connect = vi.fn();
  disconnect = vi.fn();
  start = vi.fn();
  stop = vi.fn();
}

export class FakeAudioContext {
  currentTime = 0;
  state: "running" | "suspended" | "closed" = "suspended";
  destination = {};
  sources: FakeSource[] = [];
  gains: FakeGain[] = [];
  durations: number[];

  constructor(durations: number[] = [6, 6]) {
    this.durations = [...durations];
  }

  createGain(): FakeGain {
    const gain = new FakeGain();
    this.gains.push(gain);
    return gain;
  }

  createBufferSource(): FakeSource {
    const source = new FakeSource();
    this.sources.push(source);
    return source;
  }

  decodeAudioData = vi.fn(async () => ({ duration: this.durations.shift() ?? 6 }));
  resume = vi.fn(async () => {
    this.state = "running";
  });
  close = vi.fn(async () => {
    this.state = "closed";
  });

  asContext(): AudioContext {
    return this as unknown as AudioContext;
  }
}

export const okAudioFetch = (async () => new Response(new Uint8Array([1, 2, 3]))) as unknown as typeof fetch;
