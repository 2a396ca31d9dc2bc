import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { Artifact } from "../api/types";
import { effectiveGains, setVolume, toggleMute, toggleSolo, StemEngine, type StemControl } from "../lib/mixer";
import { formatDuration } from "../lib/jobs";
import { useSeekTarget } from "../lib/seek";

export interface StemTrack {
  id: string;
  label: string;
  url: string;
  artifact: Artifact;
}

type LoadState = { phase: "idle" } | { phase: "loading" } | { phase: "ready"; engine: StemEngine } | { phase: "error"; message: string };

const noop = () => () => undefined;

function useEnginePosition(engine: StemEngine | null): { positionS: number; playing: boolean } {
  const [positionS, setPosition] = useState(0);
  const playing = useSyncExternalStore(
    engine ? (listener) => engine.subscribe(listener) : noop,
    () => engine?.isPlaying ?? false,
  );
  useEffect(() => {
    if (!engine) return undefined;
    setPosition(engine.positionS());
    if (!playing) return engine.subscribe(() => setPosition(engine.positionS()));
    const timer = setInterval(() => setPosition(engine.positionS()), 200);
    return () => clearInterval(timer);
  }, [engine, playing]);
  return { positionS, playing };
}

/**
 * Every stem decoded into one WebAudio graph and started on the same clock, so mute/solo
 * auditions parts together in sync.
 */
export function StemMixer({ stems, createContext }: { stems: StemTrack[]; createContext?: () => AudioContext }) {
  const [load, setLoad] = useState<LoadState>({ phase: "idle" });
  const [controls, setControls] = useState<StemControl[]>(() =>
    stems.map((stem) => ({ id: stem.id, muted: false, soloed: false, volume: 1 })),
  );
  const engineRef = useRef<StemEngine | null>(null);
  const engine = load.phase === "ready" ? load.engine : null;
  const { positionS, playing } = useEnginePosition(engine);
  const gains = useMemo(() => effectiveGains(controls), [controls]);

  useEffect(() => {
    engine?.setGains(gains);
  }, [engine, gains]);

  useEffect(
    () => () => {
      void engineRef.current?.dispose();
      engineRef.current = null;
    },
    [],
  );

  const loadStems = useCallback(async () => {
    setLoad({ phase: "loading" });
    try {
      const AudioContextClass = globalThis.AudioContext as typeof AudioContext | undefined;
      const makeContext = createContext ?? (AudioContextClass ? () => new AudioContextClass() : null);
      if (!makeContext) throw new Error("This browser cannot play audio with WebAudio.");
      const next = new StemEngine(makeContext());
      engineRef.current = next;
      await next.load(stems.map((stem) => ({ id: stem.id, url: stem.url })));
      next.setGains(effectiveGains(controls));
      setLoad({ phase: "ready", engine: next });
    } catch (error) {
      void engineRef.current?.dispose();
      engineRef.current = null;
      setLoad({ phase: "error", message: error instanceof Error ? error.message : String(error) });
    }
  }, [controls, createContext, stems]);

  const durationS = engine?.durationS ?? 0;
  useSeekTarget((positionS) => void engine?.seek(positionS));

  return (
    <section className="result-section" aria-label="Stems">
      <h4>Stems</h4>
      {load.phase === "ready" && engine ? (
        <div className="transport" role="group" aria-label="Stem transport">
          <button
            type="button"
            className="button button--primary"
            onClick={() => (playing ? engine.pause() : void engine.play())}
            aria-label={playing ? "Pause stems" : "Play stems"}
          >
            {playing ? "Pause" : "Play"}
          </button>
          <button type="button" className="button" onClick={() => engine.stop()} aria-label="Stop stems">
            Stop
          </button>
          <input
            type="range"
            className="transport__position"
            min={0}
            max={durationS || 1}
            step={0.01}
            value={Math.min(positionS, durationS || 1)}
            aria-label="Stems position"
            aria-valuetext={`${formatDuration(positionS)} of ${formatDuration(durationS)}`}
            onChange={(event) => void engine.seek(Number(event.target.value))}
          />
          <span className="transport__time num" data-testid="stems-time">
            {formatDuration(positionS)} / {formatDuration(durationS)}
          </span>
        </div>
      ) : (
        <div className="transport">
          <button
            type="button"
            className="button"
            disabled={load.phase === "loading" || stems.length === 0}
            onClick={() => void loadStems()}
          >
            {load.phase === "loading" ? "Loading stems…" : "Audition stems together"}
          </button>
          {load.phase === "error" ? (
            <span className="field-error" role="alert">
              {load.message}
            </span>
          ) : null}
        </div>
      )}
      <ul className="stems">
        {stems.map((stem) => {
          const control = controls.find((item) => item.id === stem.id);
          const gain = gains[stem.id] ?? 0;
          return (
            <li key={stem.id} className="stem" data-stem={stem.id} data-gain={gain.toFixed(2)}>
              <span className="stem__name">{stem.label}</span>
              <button
                type="button"
                className="button button--small toggle toggle--mute"
                aria-pressed={control?.muted ?? false}
                aria-label={`Mute ${stem.label}`}
                title={`Mute ${stem.label}`}
                onClick={() => setControls((current) => toggleMute(current, stem.id))}
              >
                M
              </button>
              <button
                type="button"
                className="button button--small toggle toggle--solo"
                aria-pressed={control?.soloed ?? false}
                aria-label={`Solo ${stem.label}`}
                title={`Solo ${stem.label}`}
                onClick={() => setControls((current) => toggleSolo(current, stem.id))}
              >
                S
              </button>
              <input
                type="range"
                className="stem__volume"
                min={0}
                max={1}
                step={0.01}
                value={control?.volume ?? 1}
                aria-label={`${stem.label} volume`}
                onChange={(event) => setControls((current) => setVolume(current, stem.id, Number(event.target.value)))}
              />
              <span className={`stem__state small ${gain === 0 ? "muted" : ""}`} aria-live="off">
                {gain === 0 ? "silent" : "audible"}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
