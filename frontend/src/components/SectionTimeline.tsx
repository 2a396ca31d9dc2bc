import { useEffect, useState } from "react";
import { blockSpan, parseSectionsFile, type SectionsFile } from "../lib/plan";
import { formatDuration } from "../lib/jobs";
import { useSeekBus } from "../lib/seek";

type Loaded = { src: string; file: SectionsFile | null; failed: boolean };

/** The job's sections.json, fetched once per URL (polls keep still-valid URLs, so no refetching). */
export function useSectionsFile(src: string | undefined): { file: SectionsFile | null; failed: boolean } {
  const [state, setState] = useState<Loaded>({ src: src ?? "", file: null, failed: false });
  useEffect(() => {
    if (!src) return undefined;
    const controller = new AbortController();
    fetch(src, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json() as Promise<unknown>;
      })
      .then((body) => setState({ src, file: parseSectionsFile(body), failed: false }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) {
          console.warn("sections.json could not be read", error);
          setState({ src, file: null, failed: true });
        }
      });
    return () => controller.abort();
  }, [src]);
  return state.src === src ? state : { file: null, failed: false };
}

/**
 * Section blocks laid over the mix's waveform: each as wide as its share of the song, labelled with
 * its name and first bar; clicking one seeks every player of the job (mix and stems) to its start.
 * `durationS` is the mix's length (the waveform's width); until it is known the sections' own end is used.
 */
export function SectionTimeline({
  sections,
  durationS,
  onSeek,
}: {
  sections: SectionsFile;
  durationS: number;
  onSeek?: (positionS: number) => void;
}) {
  const bus = useSeekBus();
  const lastEnd = sections.sections.reduce((end, section) => Math.max(end, section.end_s), 0);
  const totalS = Math.max(durationS > 0 && Number.isFinite(durationS) ? durationS : 0, lastEnd);
  const seek = (positionS: number) => (onSeek ? onSeek(positionS) : bus?.seek(positionS));
  return (
    <ol className="section-timeline" aria-label="Sections" data-testid="section-timeline" data-total-s={totalS.toFixed(3)}>
      {sections.sections.map((section, index) => {
        const { left, width } = blockSpan(section, totalS);
        const bar = section.start_bar + 1;
        // The accessible name starts with the visible text ("drop 9"), then says what a click does.
        const label = `${section.name} ${bar}, play from bar ${bar} at ${formatDuration(section.start_s)}`;
        return (
          <li
            key={`${index}-${section.start_bar}`}
            className={`section-timeline__block section-timeline__block--${index % 2 === 0 ? "even" : "odd"}`}
            style={{ left: `${(left * 100).toFixed(3)}%`, width: `${(width * 100).toFixed(3)}%` }}
            data-section={section.name}
            data-start-s={section.start_s}
          >
            <button
              type="button"
              className="section-timeline__button"
              aria-label={label}
              title={`${section.name}: bars ${section.start_bar + 1}–${section.start_bar + section.bars}, ${formatDuration(section.start_s)}–${formatDuration(section.end_s)}, energy ${Math.round(section.energy * 100)}%`}
              onClick={(event) => {
                // The waveform under the block seeks by pointer position; the block means its start.
                event.stopPropagation();
                seek(section.start_s);
              }}
            >
              <span className="section-timeline__name">{section.name}</span>{" "}
              <span className="section-timeline__bar num">{bar}</span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
