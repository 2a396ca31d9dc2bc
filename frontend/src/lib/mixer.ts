/** Mute/solo rules as on a mixing desk: any solo silences the unsoloed; mute always wins. */
export interface StemControl {
  id: string;
  muted: boolean;
  soloed: boolean;
  volume: number;
}

export function effectiveGains(stems: readonly StemControl[]): Record<string, number> {
  const anySolo = stems.some((stem) => stem.soloed);
  const gains: Record<string, number> = {};
  for (const stem of stems) {
    const audible = !stem.muted && (!anySolo || stem.soloed);
    gains[stem.id] = audible ? Math.max(0, Math.min(1, stem.volume)) : 0;
  }
  return gains;
}

export function toggleMute(stems: readonly StemControl[], id: string): StemControl[] {
  return stems.map((stem) => (stem.id === id ? { ...stem, muted: !stem.muted } : stem));
}

export function toggleSolo(stems: readonly StemControl[], id: string): StemControl[] {
  return stems.map((stem) => (stem.id === id ? { ...stem, soloed: !stem.soloed } : stem));
}

export function setVolume(stems: readonly StemControl[], id: string, volume: number): StemControl[] {
  return stems.map((stem) => (stem.id === id ? { ...stem, volume } : stem));
}

/** The WebAudio graph that plays every stem from one transport: source -> gain(stem) -> master. */
export interface StemSource {
  id: string;
  url: string;
}

type Listener = () => void;

const START_LATENCY_S = 0.05;
const GAIN_TIME_CONSTANT_S = 0.01;

export class StemEngine {
  private readonly context: AudioContext;
  private readonly master: GainNode;
  private readonly buffers = new Map<string, AudioBuffer>();
  private readonly gains = new Map<string, GainNode>();
  private sources: AudioBufferSourceNode[] = [];
  private offsetS = 0;
  private startedAtS = 0;
  private playing = false;
  private endTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(context: AudioContext) {
    this.context = context;
    this.master = context.createGain();
    this.master.connect(context.destination);
  }

  async load(stems: readonly StemSource[], fetchImpl: typeof fetch = (i, n) => globalThis.fetch(i, n)): Promise<void> {
    await Promise.all(
      stems.map(async (stem) => {
        const response = await fetchImpl(stem.url);
        if (!response.ok) throw new Error(`Could not download the ${stem.id} stem (${response.status}).`);
        const buffer = await this.context.decodeAudioData(await response.arrayBuffer());
        this.buffers.set(stem.id, buffer);
        const gain = this.context.createGain();
        gain.connect(this.master);
        this.gains.set(stem.id, gain);
      }),
    );
    this.emit();
  }

  get durationS(): number {
    let longest = 0;
    for (const buffer of this.buffers.values()) longest = Math.max(longest, buffer.duration);
    return longest;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  positionS(): number {
    if (!this.playing) return this.offsetS;
    return Math.min(this.durationS, this.offsetS + Math.max(0, this.context.currentTime - this.startedAtS));
  }

  gainOf(id: string): number | undefined {
    return this.gains.get(id)?.gain.value;
  }

  setGains(gains: Record<string, number>): void {
    for (const [id, value] of Object.entries(gains)) {
      const node = this.gains.get(id);
      if (!node) continue;
      node.gain.cancelScheduledValues(this.context.currentTime);
      node.gain.setTargetAtTime(value, this.context.currentTime, GAIN_TIME_CONSTANT_S);
      node.gain.value = value;
    }
  }

  async play(): Promise<void> {
    if (this.playing || this.buffers.size === 0) return;
    if (this.context.state === "suspended") await this.context.resume();
    if (this.offsetS >= this.durationS) this.offsetS = 0;
    const when = this.context.currentTime + START_LATENCY_S;
    this.sources = [...this.buffers.entries()].map(([id, buffer]) => {
      const source = this.context.createBufferSource();
      source.buffer = buffer;
      const gain = this.gains.get(id);
      if (gain) source.connect(gain);
      source.start(when, Math.min(this.offsetS, buffer.duration));
      return source;
    });
    this.startedAtS = when;
    this.playing = true;
    this.scheduleEnd();
    this.emit();
  }

  pause(): void {
    if (!this.playing) return;
    this.offsetS = this.positionS();
    this.stopSources();
    this.playing = false;
    this.emit();
  }

  stop(): void {
    this.stopSources();
    this.playing = false;
    this.offsetS = 0;
    this.emit();
  }

  async seek(positionS: number): Promise<void> {
    const wasPlaying = this.playing;
    if (wasPlaying) {
      this.stopSources();
      this.playing = false;
    }
    this.offsetS = Math.max(0, Math.min(this.durationS, positionS));
    if (wasPlaying) await this.play();
    else this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.stopSources();
    this.playing = false;
    this.listeners.clear();
    if (this.context.state !== "closed") await this.context.close();
  }

  private scheduleEnd(): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    const remainingS = this.durationS - this.offsetS + START_LATENCY_S;
    this.endTimer = setTimeout(() => {
      if (this.playing && this.positionS() >= this.durationS - 0.01) this.stop();
    }, Math.max(0, remainingS * 1000));
  }

  private stopSources(): void {
    if (this.endTimer) {
      clearTimeout(this.endTimer);
      this.endTimer = null;
    }
    for (const source of this.sources) {
      try {
        source.stop();
      } catch {
        // A source that already ended throws InvalidStateError; nothing to stop.
      }
      source.disconnect();
    }
    this.sources = [];
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
