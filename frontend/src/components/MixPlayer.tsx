import { useEffect, useRef, useState, type ReactNode } from "react";
import { useSeekTarget } from "../lib/seek";
import { computePeaks } from "../lib/waveform";

const WAVEFORM_COLUMNS = 600;
const WAVEFORM_HEIGHT = 96;

type Peaks = { min: number; max: number }[];

/** Peaks of the audio at `src`, decoded with WebAudio (an offline context: no sound, no autoplay rules). */
function useDecodedPeaks(src: string): { peaks: Peaks | null; failed: boolean } {
  const [state, setState] = useState<{ src: string; peaks: Peaks | null; failed: boolean }>({ src, peaks: null, failed: false });
  useEffect(() => {
    let cancelled = false;
    const Offline = globalThis.OfflineAudioContext as typeof OfflineAudioContext | undefined;
    if (!Offline) {
      setState({ src, peaks: null, failed: true });
      return undefined;
    }
    const controller = new AbortController();
    fetch(src, { signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.arrayBuffer();
      })
      .then((bytes) => new Offline(1, 1, 44100).decodeAudioData(bytes))
      .then((buffer) => {
        if (cancelled) return;
        const channels = Array.from({ length: buffer.numberOfChannels }, (_, index) => buffer.getChannelData(index));
        setState({ src, peaks: computePeaks(channels, WAVEFORM_COLUMNS), failed: false });
      })
      .catch(() => {
        if (!cancelled) setState({ src, peaks: null, failed: true });
      });
    return () => {
      cancelled = true;
      controller.abort();
    };
  }, [src]);
  return state.src === src ? state : { peaks: null, failed: false };
}

function WaveformCanvas({ peaks }: { peaks: Peaks }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    const draw = canvas?.getContext("2d");
    if (!canvas || !draw) return;
    const mid = canvas.height / 2;
    const scale = Math.max(0.05, ...peaks.map((peak) => Math.max(peak.max, -peak.min)));
    draw.clearRect(0, 0, canvas.width, canvas.height);
    draw.fillStyle = getComputedStyle(canvas).color || "#5a4af4";
    peaks.forEach((peak, x) => {
      const top = mid - (peak.max / scale) * (mid - 2);
      const bottom = mid - (peak.min / scale) * (mid - 2);
      draw.fillRect(x, top, 1, Math.max(1, bottom - top));
    });
    canvas.dataset.drawn = "true";
  }, [peaks]);
  return <canvas ref={canvasRef} className="waveform__canvas" width={peaks.length} height={WAVEFORM_HEIGHT} aria-hidden="true" />;
}

/**
 * The mastered mix: native audio controls under a waveform drawn from the decoded preview (same
 * length as the mix, a fraction of its size). The waveform shows the playhead and seeks on click.
 */
export function MixPlayer({
  src,
  peaksSrc,
  fallbackImageUrl,
  label,
  overlay,
}: {
  src: string;
  peaksSrc: string;
  fallbackImageUrl: string | undefined;
  label: string;
  /** Drawn over the waveform (the section timeline), given the mix's length once it is known (else 0). */
  overlay?: (durationS: number) => ReactNode;
}) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const [fraction, setFraction] = useState(0);
  const [durationS, setDurationS] = useState(0);
  const resumeRef = useRef<{ time: number; playing: boolean } | null>(null);
  const lastSrcRef = useRef(src);
  const { peaks, failed } = useDecodedPeaks(peaksSrc);

  // A re-signed URL (old one near expiry) reloads the element: carry on where the listener was.
  if (lastSrcRef.current !== src) {
    const audio = audioRef.current;
    if (audio && audio.currentTime > 0) resumeRef.current = { time: audio.currentTime, playing: !audio.paused };
    lastSrcRef.current = src;
  }

  useEffect(() => {
    const audio = audioRef.current;
    const resume = resumeRef.current;
    if (!audio || !resume) return undefined;
    const restore = () => {
      audio.currentTime = resume.time;
      if (resume.playing) void audio.play().catch(() => undefined);
      resumeRef.current = null;
    };
    audio.addEventListener("loadedmetadata", restore, { once: true });
    return () => audio.removeEventListener("loadedmetadata", restore);
  }, [src]);

  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return undefined;
    let frame = 0;
    const update = () => {
      setFraction(audio.duration > 0 ? audio.currentTime / audio.duration : 0);
      if (!audio.paused) frame = requestAnimationFrame(update);
    };
    const start = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(update);
    };
    audio.addEventListener("play", start);
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", update);
    const measure = () => setDurationS(Number.isFinite(audio.duration) ? audio.duration : 0);
    audio.addEventListener("loadedmetadata", measure);
    audio.addEventListener("durationchange", measure);
    return () => {
      audio.removeEventListener("loadedmetadata", measure);
      audio.removeEventListener("durationchange", measure);
      cancelAnimationFrame(frame);
      audio.removeEventListener("play", start);
      audio.removeEventListener("timeupdate", update);
      audio.removeEventListener("seeked", update);
    };
  }, []);

  useSeekTarget((positionS) => {
    const audio = audioRef.current;
    if (audio) audio.currentTime = positionS;
  });

  const showImage = failed && fallbackImageUrl;
  return (
    <section className="result-section" aria-label="Mix player">
      <h4>Mix</h4>
      <div
        className={`waveform${peaks ? "" : " waveform--pending"}`}
        data-testid="mix-waveform"
        onClick={(event) => {
          const audio = audioRef.current;
          if (!audio || !(audio.duration > 0)) return;
          const box = event.currentTarget.getBoundingClientRect();
          audio.currentTime = ((event.clientX - box.left) / box.width) * audio.duration;
        }}
      >
        {peaks ? (
          <WaveformCanvas peaks={peaks} />
        ) : showImage ? (
          <img className="waveform__image" src={fallbackImageUrl} alt="Waveform of the mix" />
        ) : (
          <span className="waveform__note muted small">{failed ? "No waveform available" : "Drawing the waveform…"}</span>
        )}
        {peaks ? (
          <>
            <div className="waveform__played" style={{ width: `${(fraction * 100).toFixed(2)}%` }} aria-hidden="true" />
            <div className="waveform__playhead" style={{ left: `${(fraction * 100).toFixed(2)}%` }} aria-hidden="true" />
          </>
        ) : null}
        {overlay ? overlay(durationS) : null}
      </div>
      <audio ref={audioRef} className="mix-audio" controls preload="metadata" src={src} aria-label={label} data-testid="mix-audio" />
    </section>
  );
}
