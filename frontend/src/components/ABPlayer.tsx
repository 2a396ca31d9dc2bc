import { useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { useApi } from "../api/context";
import type { Job } from "../api/types";
import { artifactOf } from "../lib/jobs";
import { ErrorMessage } from "./ErrorMessage";

type Side = "A" | "B";

/**
 * A/B between an edit and the song it edits: two players, one heard at a time; switching carries the
 * position over (and keeps playing), so the same bar is compared. A is the parent, B this job.
 */
export function ABPlayer({ parentId, child }: { parentId: string; child: Job }) {
  const api = useApi();
  const [parent, setParent] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [side, setSide] = useState<Side>("B");
  const [playing, setPlaying] = useState(false);
  const players = { A: useRef<HTMLAudioElement>(null), B: useRef<HTMLAudioElement>(null) };

  useEffect(() => {
    let live = true;
    api
      .getJob(parentId)
      .then((job) => live && setParent(job))
      .catch((caught: unknown) => {
        if (live) setError(caught instanceof ApiError ? caught : new ApiError(0, "unexpected", String(caught)));
      });
    return () => {
      live = false;
    };
  }, [api, parentId]);

  const parentMix = parent ? (artifactOf(parent, "preview") ?? artifactOf(parent, "mix")) : undefined;
  const childMix = artifactOf(child, "preview") ?? artifactOf(child, "mix");
  if (error) return <ErrorMessage error={error} title="The original of this edit could not be loaded" />;
  if (!childMix || !parentMix) return null;

  const switchTo = (next: Side) => {
    if (next === side) return;
    const from = players[side].current;
    const to = players[next].current;
    if (from && to) {
      const limit = Number.isFinite(to.duration) ? to.duration : Infinity;
      to.currentTime = Math.min(from.currentTime, limit);
      if (!from.paused) {
        from.pause();
        void to.play();
      }
    }
    setSide(next);
  };

  const toggle = () => {
    const current = players[side].current;
    if (!current) return;
    if (current.paused) {
      void current.play();
      setPlaying(true);
    } else {
      current.pause();
      setPlaying(false);
    }
  };

  return (
    <section className="result-section ab-player" aria-label="Compare with the original">
      <h4>A/B: original and this edit</h4>
      <audio ref={players.A} src={api.resolve(parentMix.url)} preload="metadata" data-testid="ab-a" />
      <audio ref={players.B} src={api.resolve(childMix.url)} preload="metadata" data-testid="ab-b" />
      <div className="edit-panel__row">
        <button type="button" className="button" onClick={toggle}>
          {playing ? "Pause" : "Play"}
        </button>
        <button type="button" className="button" aria-pressed={side === "A"} onClick={() => switchTo("A")}>
          A: original
        </button>
        <button type="button" className="button" aria-pressed={side === "B"} onClick={() => switchTo("B")}>
          B: this edit
        </button>
      </div>
    </section>
  );
}
