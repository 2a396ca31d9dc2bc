import { useEffect, useRef, useState } from "react";
import { computePeaks } from "../lib/waveform";

/** Draws the mix's waveform from the decoded audio when the API gave no waveform image. */
function DecodedWaveform({ src }: { src: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    const AudioContextClass = globalThis.AudioContext as typeof AudioContext | undefined;
    if (!AudioContextClass) {
      setFailed(true);
      return undefined;
    }
    const context = new AudioContextClass();
    fetch(src)
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.arrayBuffer();
      })
      .then((bytes) => context.decodeAudioData(bytes))
      .then((buffer) => {
        const canvas = canvasRef.current;
        if (cancelled || !canvas) return;
        const channels = Array.from({ length: buffer.numberOfChannels }, (_, index) => buffer.getChannelData(index));
        const peaks = computePeaks(channels, canvas.width);
        const draw = canvas.getContext("2d");
        if (!draw) return;
        const mid = canvas.height / 2;
        draw.clearRect(0, 0, canvas.width, canvas.height);
        draw.fillStyle = "#6d5efc";
        peaks.forEach((peak, x) => {
          draw.fillRect(x, mid - peak.max * mid, 1, Math.max(1, (peak.max - peak.min) * mid));
        });
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      })
      .finally(() => void context.close());
    return () => {
      cancelled = true;
    };
  }, [src]);
  if (failed) return null;
  return <canvas ref={canvasRef} className="waveform__image" width={800} height={120} aria-hidden="true" />;
}

/** The mastered mix: native audio controls, with the waveform above showing and setting the playhead. */
export function MixPlayer({ src, waveformUrl, label }: { src: string; waveformUrl: string | undefined; label: string }) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const [fraction, setFraction] = useState(0);
  const resumeRef = useRef<{ time: number; playing: boolean } | null>(null);
  const lastSrcRef = useRef(src);

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
    return () => {
      cancelAnimationFrame(frame);
      audio.removeEventListener("play", start);
      audio.removeEventListener("timeupdate", update);
      audio.removeEventListener("seeked", update);
    };
  }, []);

  return (
    <section className="result-section" aria-label="Mix player">
      <h4>Mix</h4>
      <div
        className="waveform"
        onClick={(event) => {
          const audio = audioRef.current;
          if (!audio || !(audio.duration > 0)) return;
          const box = event.currentTarget.getBoundingClientRect();
          audio.currentTime = ((event.clientX - box.left) / box.width) * audio.duration;
        }}
      >
        {waveformUrl ? (
          <img className="waveform__image" src={waveformUrl} alt="Waveform of the mix" />
        ) : (
          <DecodedWaveform src={src} />
        )}
        <div className="waveform__playhead" style={{ left: `${(fraction * 100).toFixed(2)}%` }} aria-hidden="true" />
      </div>
      <audio ref={audioRef} className="mix-audio" controls preload="metadata" src={src} aria-label={label} data-testid="mix-audio" />
    </section>
  );
}
